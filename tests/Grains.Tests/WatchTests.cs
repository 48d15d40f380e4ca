using System.Collections.Concurrent;
using System.Text;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Grains.Tests.Support;
using OrleansCoord.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

/// <summary>Watch events: persistent watches and ZooKeeper's one-shot watches.</summary>
public sealed class WatchTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task PersistentWatch_SeesEveryKindOfChange_InRevisionOrder()
    {
        await using var client = await fixture.ConnectAsync();
        var path = $"/watched-{Guid.NewGuid():N}";
        await using var watch = await client.AddWatchAsync(path);

        await client.CreateAsync(path, Text("a"));
        await client.SetDataAsync(path, Text("b"));
        await client.CreateAsync(path + "/child");
        await client.DeleteAsync(path + "/child");
        await client.MultiAsync([new SetDataOp(path, Text("c"))]);
        await client.DeleteAsync(path);
        var seen = new List<WatchEvent>();
        using var stop = new CancellationTokenSource(Patience);
        await foreach (var change in watch.ReadAllAsync(stop.Token))
        {
            seen.Add(change);
            if (change.Type == WatchEventType.NodeDeleted) break;
        }

        var types = seen.Select(e => e.Type).ToList();
        Assert.Equal(WatchEventType.NodeCreated, types.First());
        Assert.Equal(WatchEventType.NodeDeleted, types.Last());
        Assert.Contains(WatchEventType.NodeDataChanged, types);
        Assert.Contains(WatchEventType.NodeChildrenChanged, types);
        Assert.All(seen, e => Assert.Equal(path, e.Path));
        var revisions = seen.Select(e => e.Revision).ToList();
        Assert.Equal(revisions.Order(), revisions);
    }

    [Fact]
    public async Task DataWatch_FiresOnce_AndTheNextReadSeesTheChange()
    {
        await using var client = await fixture.ConnectAsync();
        var path = await client.CreateAsync($"/once-{Guid.NewGuid():N}", Text("v0"));
        var fired = new ConcurrentQueue<WatchEvent>();
        var first = new TaskCompletionSource<WatchEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.GetDataAsync(path, change => { fired.Enqueue(change); first.TrySetResult(change); });

        var stat = await client.SetDataAsync(path, Text("v1"));
        await client.SetDataAsync(path, Text("v2"));
        var change = await first.Task.WaitAsync(Patience);

        Assert.Equal(WatchEventType.NodeDataChanged, change.Type);
        Assert.Equal(stat.Mzxid, change.Revision);
        Assert.True((await client.GetDataAsync(path)).Stat.Mzxid >= change.Revision);
        Assert.False(await Poll.HoldsWithinAsync(() => Task.FromResult(fired.Count > 1), TimeSpan.FromMilliseconds(500)),
            "a one-shot watch fired twice");
        Assert.Single(fired);
    }

    [Fact]
    public async Task ExistsWatch_OnAbsentNode_FiresNodeCreated()
    {
        await using var client = await fixture.ConnectAsync();
        var path = $"/later-{Guid.NewGuid():N}";
        var created = new TaskCompletionSource<WatchEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.Null(await client.ExistsAsync(path, change => created.TrySetResult(change)));

        await using var other = await fixture.ConnectAsync();
        var made = await other.Create2Async(path);
        var change = await created.Task.WaitAsync(Patience);
        Assert.Equal(WatchEventType.NodeCreated, change.Type);
        Assert.Equal(made.Stat.Czxid, change.Revision);
    }

    [Fact]
    public async Task ChildWatch_FiresOnChildrenChange_NotOnDataChange()
    {
        await using var client = await fixture.ConnectAsync();
        var path = await client.CreateAsync($"/kids-{Guid.NewGuid():N}");
        var fired = new TaskCompletionSource<WatchEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.GetChildrenAsync(path, change => fired.TrySetResult(change));

        await client.SetDataAsync(path, Text("not a child change"));
        Assert.False(await Poll.HoldsWithinAsync(() => Task.FromResult(fired.Task.IsCompleted), TimeSpan.FromMilliseconds(300)),
            "a child watch fired on a data change");

        await client.CreateAsync(path + "/c");
        var change = await fired.Task.WaitAsync(Patience);
        Assert.Equal(WatchEventType.NodeChildrenChanged, change.Type);
        Assert.Contains("c", (await client.GetChildrenAsync(path)).Children);
    }

    [Fact]
    public async Task DataWatch_NodeDeleted_Fires()
    {
        await using var client = await fixture.ConnectAsync();
        var path = await client.CreateAsync($"/doomed-{Guid.NewGuid():N}");
        var fired = new TaskCompletionSource<WatchEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.GetDataAsync(path, change => fired.TrySetResult(change));
        await client.DeleteAsync(path);
        Assert.Equal(WatchEventType.NodeDeleted, (await fired.Task.WaitAsync(Patience)).Type);
    }
}
