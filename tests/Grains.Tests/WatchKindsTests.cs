using System.Text;
using OrleansCoord.Acls;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Sessions;
using OrleansCoord.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

/// <summary>Persistent-recursive watches, removeWatches and session events.</summary>
public sealed class WatchKindsTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    /// <summary>Reads events until <paramref name="done"/> says so (or the patience runs out, failing the test).</summary>
    private static async Task<List<WatchEvent>> ReadUntilAsync(ZNodeWatch watch, Func<WatchEvent, bool> done)
    {
        var seen = new List<WatchEvent>();
        using var stop = new CancellationTokenSource(Patience);
        await foreach (var change in watch.ReadAllAsync(stop.Token))
        {
            seen.Add(change);
            if (done(change)) break;
        }

        return seen;
    }

    [Fact]
    public async Task RecursiveWatch_SeesGrandchildren_NotSiblingsOfTheRoot_NorChildrenChanged()
    {
        await using var client = await fixture.ConnectAsync();
        var root = await client.CreateAsync($"/tree-{Guid.NewGuid():N}");
        await using var watch = await client.AddWatchAsync(root, AddWatchMode.PersistentRecursive);

        await client.CreateAsync(root + "-sibling");           // shares the root's name as a prefix, not its subtree
        await client.CreateAsync(root + "/a", Text("1"));
        var grandchild = await client.Create2Async(root + "/a/b", Text("2"));
        var changed = await client.SetDataAsync(root + "/a/b", Text("3"));
        await client.DeleteAsync(root + "/a/b");
        await client.SetDataAsync(root, Text("root"));

        // Events of one znode come in order; those of different znodes travel through different shards.
        var awaited = new HashSet<(WatchEventType, string)>
        {
            (WatchEventType.NodeCreated, root + "/a"), (WatchEventType.NodeDeleted, root + "/a/b"), (WatchEventType.NodeDataChanged, root),
        };
        var seen = await ReadUntilAsync(watch, e => awaited.Remove((e.Type, e.Path)) && awaited.Count == 0);
        Assert.Equal([WatchEventType.NodeCreated], seen.Where(e => e.Path == root + "/a").Select(e => e.Type));
        Assert.Equal([WatchEventType.NodeDataChanged], seen.Where(e => e.Path == root).Select(e => e.Type));
        var grandchildEvents = seen.Where(e => e.Path == root + "/a/b").ToList();
        Assert.Equal([WatchEventType.NodeCreated, WatchEventType.NodeDataChanged, WatchEventType.NodeDeleted], grandchildEvents.Select(e => e.Type));
        Assert.Equal(grandchild.Stat.Czxid, grandchildEvents[0].Revision);
        Assert.Equal(changed.Mzxid, grandchildEvents[1].Revision);
        Assert.DoesNotContain(seen, e => e.Path.StartsWith(root + "-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecursiveWatchOnRoot_SeesEveryWrite()
    {
        await using var client = await fixture.ConnectAsync();
        await using var watch = await client.AddWatchAsync("/", AddWatchMode.PersistentRecursive);
        var path = await client.CreateAsync($"/anywhere-{Guid.NewGuid():N}");
        var deep = await client.CreateAsync(path + "/deeper");

        var wanted = new HashSet<string> { path, deep };
        await ReadUntilAsync(watch, e => e.Type == WatchEventType.NodeCreated && wanted.Remove(e.Path) && wanted.Count == 0);
        Assert.Empty(wanted);
    }

    [Fact]
    public async Task RemoveWatches_Persistent_EndsTheWatchWithARemovalEvent()
    {
        await using var client = await fixture.ConnectAsync();
        var path = await client.CreateAsync($"/removable-{Guid.NewGuid():N}");
        await using var watch = await client.AddWatchAsync(path);
        await client.SetDataAsync(path, Text("seen"));
        var first = await watch.NextAsync().AsTask().WaitAsync(Patience);
        await client.RemoveWatchesAsync(path, WatcherType.Persistent);
        await client.SetDataAsync(path, Text("not seen"));

        var seen = new List<WatchEvent>();
        using var stop = new CancellationTokenSource(Patience);
        await foreach (var change in watch.ReadAllAsync(stop.Token)) seen.Add(change);   // ends: the watch was removed

        Assert.Equal(WatchEventType.NodeDataChanged, first.Type);
        Assert.Equal([WatchEventType.PersistentWatchRemoved], seen.Select(e => e.Type));
        var error = await Assert.ThrowsAsync<CoordException>(() => client.RemoveWatchesAsync(path, WatcherType.Persistent));
        Assert.Equal(CoordErrorCode.NoWatcher, error.Code);
    }

    [Fact]
    public async Task RemoveWatches_Data_LeavesTheChildWatch()
    {
        await using var client = await fixture.ConnectAsync();
        var path = await client.CreateAsync($"/two-kinds-{Guid.NewGuid():N}");
        var dataEvents = new List<WatchEvent>();
        var childEvent = new TaskCompletionSource<WatchEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.GetDataAsync(path, change => { lock (dataEvents) dataEvents.Add(change); });
        await client.GetChildrenAsync(path, change => childEvent.TrySetResult(change));

        await client.RemoveWatchesAsync(path, WatcherType.Data);
        await client.SetDataAsync(path, Text("after removal"));
        await client.CreateAsync(path + "/kid");

        Assert.Equal(WatchEventType.NodeChildrenChanged, (await childEvent.Task.WaitAsync(Patience)).Type);
        lock (dataEvents) Assert.Equal([WatchEventType.DataWatchRemoved], dataEvents.Select(e => e.Type));
        var error = await Assert.ThrowsAsync<CoordException>(() => client.RemoveWatchesAsync(path, WatcherType.Data));
        Assert.Equal(CoordErrorCode.NoWatcher, error.Code);
    }

    [Fact]
    public async Task RemoveWatches_BadInput_IsATypedError()
    {
        await using var client = await fixture.ConnectAsync();
        Assert.Equal(CoordErrorCode.BadArguments,
            (await Assert.ThrowsAsync<CoordException>(() => client.RemoveWatchesAsync("no-slash", WatcherType.Any))).Code);
        Assert.Equal(CoordErrorCode.BadArguments,
            (await Assert.ThrowsAsync<CoordException>(() => client.RemoveWatchesAsync("/x", (WatcherType)42))).Code);
        Assert.Equal(CoordErrorCode.BadArguments,
            (await Assert.ThrowsAsync<CoordException>(() => client.AddWatchAsync("/x", (AddWatchMode)7))).Code);
    }

    [Fact]
    public async Task SessionExpired_ReachesWatchers_AndEndsTheirWatches()
    {
        await using var client = await fixture.ConnectAsync(TimeSpan.FromSeconds(2));
        var path = await client.CreateAsync($"/expiring-{Guid.NewGuid():N}");
        await using var watch = await client.AddWatchAsync(path);
        var oneShot = new TaskCompletionSource<WatchEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.GetDataAsync(path, change => oneShot.TrySetResult(change));

        // The grid ends the session behind the client's back; its next heartbeat learns it.
        Caller.Use(client.Credential); // the session's own credential: the grid ends a session only for its holder
        await fixture.Cluster.Client.GetGrain<ISessionGrain>(client.SessionId).Close();

        var seen = new List<WatchEvent>();
        using var stop = new CancellationTokenSource(Patience);
        await foreach (var change in watch.ReadAllAsync(stop.Token)) seen.Add(change);
        var last = Assert.Single(seen);
        Assert.Equal((WatchEventType.None, WatchState.Expired), (last.Type, last.State));
        Assert.Equal(WatchState.Expired, (await oneShot.Task.WaitAsync(Patience)).State);
    }
}
