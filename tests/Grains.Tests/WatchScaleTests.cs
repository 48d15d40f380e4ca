using System.Text;
using OrleansCoord.Client;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Watches;

namespace OrleansCoord.Grains.Tests;

/// <summary>Many watchers of one znode, and one client watching many znodes.</summary>
public sealed class WatchScaleTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task TenThousandWatchersOfOneZNode_AllGetTheEvent()
    {
        const int Clients = 10, WatchersPerClient = 1_000;
        var clients = new List<CoordClient>();
        try
        {
            for (var i = 0; i < Clients; i++) clients.Add(await fixture.ConnectAsync());
            var path = await clients[0].CreateAsync($"/popular-{Guid.NewGuid():N}");
            var notified = 0;
            var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            foreach (var client in clients)
            {
                for (var w = 0; w < WatchersPerClient; w++)
                {
                    await client.ExistsAsync(path, change =>
                    {
                        if (change.Type == WatchEventType.NodeDataChanged && Interlocked.Increment(ref notified) == Clients * WatchersPerClient) all.TrySetResult();
                    });
                }
            }

            await clients[0].SetDataAsync(path, Encoding.UTF8.GetBytes("news"));
            await Task.WhenAny(all.Task, Task.Delay(Patience));
            Assert.Equal(Clients * WatchersPerClient, Volatile.Read(ref notified));
        }
        finally
        {
            foreach (var client in clients) await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task OneClientWatchingAThousandZNodes_GetsEachChange()
    {
        const int Nodes = 1_000;
        await using var client = await fixture.ConnectAsync();
        var root = await client.CreateAsync($"/many-{Guid.NewGuid():N}");
        var parents = new List<string>();
        for (var p = 0; p < 10; p++) parents.Add(await client.CreateAsync($"{root}/p{p}"));
        var paths = Enumerable.Range(0, Nodes).Select(i => $"{parents[i % parents.Count]}/n{i}").ToList();
        await Task.WhenAll(paths.Select(path => client.CreateAsync(path)));

        var watches = new List<ZNodeWatch>();
        foreach (var path in paths) watches.Add(await client.AddWatchAsync(path));
        try
        {
            var written = await Task.WhenAll(paths.Select(path => client.SetDataAsync(path, Encoding.UTF8.GetBytes(path))));
            using var stop = new CancellationTokenSource(Patience);
            var events = await Task.WhenAll(watches.Select(watch => watch.NextAsync(stop.Token).AsTask()));
            for (var i = 0; i < Nodes; i++)
            {
                Assert.Equal((WatchEventType.NodeDataChanged, paths[i], written[i].Mzxid), (events[i].Type, events[i].Path, events[i].Revision));
            }
        }
        finally
        {
            foreach (var watch in watches) await watch.DisposeAsync();
        }
    }
}
