using System.Text;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

/// <summary>Every znode operation with ZooKeeper's semantics, on a three-silo cluster.</summary>
public abstract class ZNodeOperationTests(ClusterFixture fixture)
{
    private static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    private static string Unique(string name) => $"/{name}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Create_Persistent_StatDescribesNewNode()
    {
        await using var client = await fixture.ConnectAsync();
        var path = Unique("persistent");
        var created = await client.Create2Async(path, Text("hello"));
        Assert.Equal(path, created.Path);
        Assert.Equal(0, created.Stat.Version);
        Assert.Equal(5, created.Stat.DataLength);
        Assert.Equal(0, created.Stat.EphemeralOwner);
        Assert.Equal(created.Stat.Czxid, created.Stat.Mzxid);
        Assert.Equal(created.Stat.Czxid, created.Stat.Pzxid);

        var read = await client.GetDataAsync(path);
        Assert.Equal("hello", Encoding.UTF8.GetString(read.Data));
        Assert.Equal(created.Stat, read.Stat);
    }

    [Fact]
    public async Task Create_Existing_ThrowsNodeExists()
    {
        await using var client = await fixture.ConnectAsync();
        var path = await client.CreateAsync(Unique("dup"));
        var error = await Assert.ThrowsAsync<CoordException>(() => client.CreateAsync(path));
        Assert.Equal(CoordErrorCode.NodeExists, error.Code);
        Assert.Equal(path, error.Path);
    }

    [Fact]
    public async Task Create_WithoutParent_ThrowsNoNode()
    {
        await using var client = await fixture.ConnectAsync();
        var path = Unique("orphan") + "/child";
        var error = await Assert.ThrowsAsync<CoordException>(() => client.CreateAsync(path));
        Assert.Equal(CoordErrorCode.NoNode, error.Code);
        Assert.Null(await client.ExistsAsync(path));
    }

    [Fact]
    public async Task Create_UnderEphemeral_ThrowsNoChildrenForEphemerals()
    {
        await using var client = await fixture.ConnectAsync();
        var parent = await client.CreateAsync(Unique("eph"), mode: CreateMode.Ephemeral);
        var error = await Assert.ThrowsAsync<CoordException>(() => client.CreateAsync(parent + "/c"));
        Assert.Equal(CoordErrorCode.NoChildrenForEphemerals, error.Code);
    }

    [Fact]
    public async Task Create_Ephemeral_OwnerIsSession()
    {
        await using var client = await fixture.ConnectAsync();
        var created = await client.Create2Async(Unique("owned"), mode: CreateMode.Ephemeral);
        Assert.Equal(client.SessionId, created.Stat.EphemeralOwner);
    }

    [Fact]
    public async Task SetData_ChecksVersion()
    {
        await using var client = await fixture.ConnectAsync();
        var path = await client.CreateAsync(Unique("set"), Text("a"));
        var first = await client.SetDataAsync(path, Text("b"), 0);
        Assert.Equal(1, first.Version);
        Assert.True(first.Mzxid > first.Czxid);

        var error = await Assert.ThrowsAsync<CoordException>(() => client.SetDataAsync(path, Text("c"), 0));
        Assert.Equal(CoordErrorCode.BadVersion, error.Code);
        Assert.Equal($"BadVersion: {path} (expected 0, actual 1)", error.Message);

        var any = await client.SetDataAsync(path, Text("d"), -1);
        Assert.Equal(2, any.Version);
        Assert.Equal("d", Encoding.UTF8.GetString((await client.GetDataAsync(path)).Data));
    }

    [Fact]
    public async Task SetData_Missing_ThrowsNoNode()
    {
        await using var client = await fixture.ConnectAsync();
        var error = await Assert.ThrowsAsync<CoordException>(() => client.SetDataAsync(Unique("none"), Text("x")));
        Assert.Equal(CoordErrorCode.NoNode, error.Code);
    }

    [Fact]
    public async Task Delete_ManyEphemeralAndPersistentChildrenAtOnce_AllGo()
    {
        // Ephemeral children take one more record each to delete (their session's index row) than the parent's
        // batch plans for: a full batch must leave the ones it has no room for to the next batch, in order.
        await using var client = await fixture.ConnectAsync();
        var parent = await client.CreateAsync(Unique("many"));
        var children = await Task.WhenAll(Enumerable.Range(0, 240).Select(i =>
            client.CreateAsync($"{parent}/c{i:D3}", mode: i % 4 == 0 ? CreateMode.Persistent : CreateMode.Ephemeral)));

        await Task.WhenAll(children.Select(child => client.DeleteAsync(child)));

        Assert.Empty((await client.GetChildrenAsync(parent)).Children);
        Assert.All(await Task.WhenAll(children.Take(20).Select(child => client.ExistsAsync(child))), Assert.Null);
        await client.DeleteAsync(parent);
    }

    [Fact]
    public async Task Delete_ChecksVersionAndChildren()
    {
        await using var client = await fixture.ConnectAsync();
        var parent = await client.CreateAsync(Unique("del"));
        await client.CreateAsync(parent + "/child");

        var notEmpty = await Assert.ThrowsAsync<CoordException>(() => client.DeleteAsync(parent));
        Assert.Equal(CoordErrorCode.NotEmpty, notEmpty.Code);

        var badVersion = await Assert.ThrowsAsync<CoordException>(() => client.DeleteAsync(parent + "/child", 3));
        Assert.Equal(CoordErrorCode.BadVersion, badVersion.Code);

        await client.DeleteAsync(parent + "/child", 0);
        await client.DeleteAsync(parent);
        Assert.Null(await client.ExistsAsync(parent));
        var gone = await Assert.ThrowsAsync<CoordException>(() => client.DeleteAsync(parent));
        Assert.Equal(CoordErrorCode.NoNode, gone.Code);
    }

    [Fact]
    public async Task Children_TrackCversionPzxidAndCount()
    {
        await using var client = await fixture.ConnectAsync();
        var parent = await client.CreateAsync(Unique("kids"));
        var before = (await client.ExistsAsync(parent))!;
        await client.CreateAsync(parent + "/b");
        await client.CreateAsync(parent + "/a");
        await client.CreateAsync(parent + "/c");
        await client.DeleteAsync(parent + "/c");

        var children = await client.GetChildrenAsync(parent);
        Assert.Equal(["a", "b"], children.Children);
        Assert.Equal(2, children.Stat.NumChildren);
        Assert.Equal(before.Cversion + 4, children.Stat.Cversion);
        Assert.True(children.Stat.Pzxid > before.Pzxid);
        Assert.Equal(before.Version, children.Stat.Version);
        Assert.Equal(before.Mzxid, children.Stat.Mzxid);
    }

    [Fact]
    public async Task GetAllChildrenNumber_CountsDescendants()
    {
        await using var client = await fixture.ConnectAsync();
        var root = await client.CreateAsync(Unique("count"));
        await client.CreateAsync(root + "/a");
        await client.CreateAsync(root + "/a/x");
        await client.CreateAsync(root + "/a/x/y");
        await client.CreateAsync(root + "/b");
        Assert.Equal(4, await client.GetAllChildrenNumberAsync(root));
        Assert.Equal(2, await client.GetAllChildrenNumberAsync(root + "/a"));
        Assert.Equal(0, await client.GetAllChildrenNumberAsync(root + "/b"));
    }

    [Fact]
    public async Task Root_ExistsWithReservedChild_AndCannotBeWritten()
    {
        await using var client = await fixture.ConnectAsync();
        Assert.NotNull(await client.ExistsAsync("/"));
        Assert.Contains("zookeeper", (await client.GetChildrenAsync("/")).Children);
        var error = await Assert.ThrowsAsync<CoordException>(() => client.CreateAsync("/zookeeper/mine"));
        Assert.Equal(CoordErrorCode.BadArguments, error.Code);
        Assert.Equal(CoordErrorCode.BadArguments, (await Assert.ThrowsAsync<CoordException>(() => client.DeleteAsync("/"))).Code);
    }

    [Fact]
    public async Task Revisions_IncreasePerNodeAndSession()
    {
        await using var client = await fixture.ConnectAsync();
        var path = await client.CreateAsync(Unique("rev"));
        long last = 0;
        for (var i = 0; i < 20; i++)
        {
            var stat = await client.SetDataAsync(path, Text(i.ToString()));
            Assert.True(stat.Mzxid > last, $"revision {stat.Mzxid} after {last}");
            last = stat.Mzxid;
            var other = await client.CreateAsync(path + "/c" + i);
            var created = (await client.ExistsAsync(other))!;
            Assert.True(created.Czxid > last);
            last = created.Czxid;
        }

        Assert.Equal(last, client.LastRevision);
    }

    [Fact]
    public async Task Sync_ThenRead_SeesWritesOfAnotherSession()
    {
        await using var writer = await fixture.ConnectAsync();
        await using var reader = await fixture.ConnectAsync();
        var path = await writer.CreateAsync(Unique("sync"), Text("v0"));
        await writer.SetDataAsync(path, Text("v1"));
        await reader.SyncAsync(path);
        Assert.Equal("v1", Encoding.UTF8.GetString((await reader.GetDataAsync(path)).Data));
        Assert.True(reader.LastRevision >= (await writer.ExistsAsync(path))!.Mzxid);
    }

    [Fact]
    public async Task ConcurrentSets_AllApplied_VersionsCountThem()
    {
        await using var client = await fixture.ConnectAsync();
        var path = await client.CreateAsync(Unique("many"));
        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => client.SetDataAsync(path, Text(i.ToString()))));
        Assert.Equal(100, (await client.ExistsAsync(path))!.Version);
    }

    [Fact]
    public async Task LargeData_UpToOneMiB_RoundTrips()
    {
        await using var client = await fixture.ConnectAsync();
        var data = new byte[ZNodeLimits.MaxDataLength];
        Random.Shared.NextBytes(data);
        var path = await client.CreateAsync(Unique("big"), data);
        Assert.Equal(data, (await client.GetDataAsync(path)).Data);
    }
}

public sealed class ZNodeOperationTestsOnMemory(ClusterFixture fixture) : ZNodeOperationTests(fixture), IClassFixture<ClusterFixture>;

public sealed class ZNodeOperationTestsOnAzurite(AzuriteClusterFixture fixture) : ZNodeOperationTests(fixture), IClassFixture<AzuriteClusterFixture>;

public sealed class ZNodeOperationTestsOnPostgres(PostgresClusterFixture fixture) : ZNodeOperationTests(fixture), IClassFixture<PostgresClusterFixture>;
