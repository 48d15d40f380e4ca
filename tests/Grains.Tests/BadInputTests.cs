using OrleansCoord.Acls;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Grains.Tests.Support;
using OrleansCoord.Sessions;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

/// <summary>Bad input sent straight to the grains (past the SDK's own checks) gets a typed error and changes nothing.</summary>
public sealed class BadInputTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IZNodeGrain Node(string path) => fixture.Cluster.Client.GetGrain<IZNodeGrain>(path);

    public static TheoryData<string, CreateRequest> BadCreates => new()
    {
        { "slash in name", new CreateRequest("a/b", [], CreateMode.Persistent, 0, 0, 0) },
        { "empty name", new CreateRequest("", [], CreateMode.Persistent, 0, 0, 0) },
        { "dot", new CreateRequest("..", [], CreateMode.Persistent, 0, 0, 0) },
        { "control char", new CreateRequest("a\u0007", [], CreateMode.Persistent, 0, 0, 0) },
        { "data over 1 MiB", new CreateRequest("big", new byte[ZNodeLimits.MaxDataLength + 1], CreateMode.Persistent, 0, 0, 0) },
        { "unknown mode", new CreateRequest("m", [], (CreateMode)99, 0, 0, 0) },
        { "negative TTL", new CreateRequest("t", [], CreateMode.PersistentWithTtl, -5, 0, 0) },
        { "huge TTL", new CreateRequest("t", [], CreateMode.PersistentWithTtl, long.MaxValue, 0, 0) },
        { "ephemeral without session", new CreateRequest("e", [], CreateMode.Ephemeral, 0, 0, 0) },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task Create_BadRequest_BadArgumentsAndNoChange(string why, CreateRequest request)
    {
        var parent = $"/bad-{Guid.NewGuid():N}";
        await Node("/").CreateChild(new CreateRequest(parent[1..], [], CreateMode.Persistent, 0, 0, 0));
        var before = await Node(parent).Exists();

        var error = await Assert.ThrowsAsync<CoordException>(() => Node(parent).CreateChild(request));
        Assert.True(error.Code == CoordErrorCode.BadArguments, $"{why}: {error.Message}");
        Assert.Equal(before, await Node(parent).Exists());
        Assert.Empty((await Node(parent).GetChildren()).Children);
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(int.MinValue)]
    public async Task SetAndDelete_NegativeVersion_BadArguments(int version)
    {
        var path = $"/ver-{Guid.NewGuid():N}";
        await Node("/").CreateChild(new CreateRequest(path[1..], [1], CreateMode.Persistent, 0, 0, 0));
        Assert.Equal(CoordErrorCode.BadArguments, (await Assert.ThrowsAsync<CoordException>(() => Node(path).SetData([2], version, 0))).Code);
        Assert.Equal(CoordErrorCode.BadArguments, (await Assert.ThrowsAsync<CoordException>(() => Node("/").DeleteChild(path[1..], version, 0))).Code);
        Assert.Equal(0, (await Node(path).Exists())!.Version);
    }

    [Fact]
    public async Task Ephemeral_UnknownSession_SessionExpired()
    {
        var path = $"/ghost-{Guid.NewGuid():N}";
        var ghost = Random.Shared.NextInt64(1, long.MaxValue);
        // With the session's credential (as its holder would have it), so that the grid judges the session itself.
        var issuer = GridCredentials.Of(fixture.Cluster);
        await issuer.ReadyAsync();
        Caller.Use(issuer.Issue(ghost, []));
        var error = await Assert.ThrowsAsync<CoordException>(() =>
            Node("/").CreateChild(new CreateRequest(path[1..], [], CreateMode.Ephemeral, 0, ghost, 0)));
        Caller.Use(null);
        Assert.Equal(CoordErrorCode.SessionExpired, error.Code);
        Assert.Null(await Node(path).Exists());
    }

    [Fact]
    public async Task Heartbeat_UnknownSession_SessionExpired()
    {
        var error = await Assert.ThrowsAsync<CoordException>(() =>
            fixture.Cluster.Client.GetGrain<ISessionGrain>(Random.Shared.NextInt64(1, long.MaxValue)).Heartbeat());
        Assert.Equal(CoordErrorCode.SessionExpired, error.Code);
    }

    [Fact]
    public async Task StorageFault_TypedError_NothingApplied_ServiceStaysUp()
    {
        await using var client = await fixture.ConnectAsync();
        var path = await client.CreateAsync($"/fault-{Guid.NewGuid():N}", [1]);
        var store = MemoryTreeStore.GetShared(fixture.Cluster.Options.ClusterId);
        store.BeforeCommit = _ => throw new TreeStoreException("injected: storage down");
        try
        {
            var error = await Assert.ThrowsAsync<CoordException>(() => client.SetDataAsync(path, [2]));
            Assert.Equal(CoordErrorCode.SystemError, error.Code);
            Assert.Contains("storage", error.Message);
        }
        finally
        {
            store.BeforeCommit = null;
        }

        var node = await client.GetDataAsync(path);
        Assert.Equal([1], node.Data);
        Assert.Equal(1, (await client.SetDataAsync(path, [3], 0)).Version);
    }

    [Fact]
    public async Task SessionOpen_StorageFault_TypedError()
    {
        var store = MemoryTreeStore.GetShared(fixture.Cluster.Options.ClusterId);
        store.BeforeCommit = _ => throw new TreeStoreException("injected: storage down");
        try
        {
            var error = await Assert.ThrowsAsync<CoordException>(() => fixture.ConnectAsync());
            Assert.Equal(CoordErrorCode.SystemError, error.Code);
        }
        finally
        {
            store.BeforeCommit = null;
        }

        await using var client = await fixture.ConnectAsync();
        Assert.Equal(SessionState.Connected, client.State);
    }
}
