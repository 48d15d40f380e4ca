using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.EndToEnd;

/// <summary>
/// The proxy follows registrations through its recursive watches (docs/adr/011-proxy.md): with its periodic full re-read
/// turned off, every join and leave still reaches its routing, also on a new connection after the grid restarted.
/// </summary>
public sealed class GridFollowTests
{
    /// <summary>The periodic full re-read (every 10 s by default) put out of reach: what reaches the proxy, a watch brought.</summary>
    internal static readonly Dictionary<string, string> WatchesOnly = new() { ["COORD_Proxy__ResyncInterval"] = "01:00:00" };

    /// <summary>Generous for a loaded machine; the figure that matters (well under a second) is measured in bench/.</summary>
    internal static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Collection(GridCollection.Name)]
    public sealed class OneGrid(GridFixture grid)
    {
        [Fact]
        public async Task InstancesJoinAndLeave_ReachTheRoutingByWatchEvents_WithoutThePeriodicReRead()
        {
            var cluster = $"follow-{Guid.NewGuid():N}";
            var path = $"/{cluster}/x";
            await using var a = await Upstream.StartAsync("a");
            await using var b = await Upstream.StartAsync("b");
            await using var c = await Upstream.StartAsync("c", "--health-status", "503");
            await using var proxy = await ProxyProcess.StartAsync(grid.Silo.Gateway, grid.Silo.ClusterId, null, WatchesOnly);

            // Registered while no route names the cluster: read whole once one does.
            await grid.Client.RegisterAsync(cluster, a);
            await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
            await proxy.WaitForUpstreamsAsync(path, ["a"], Bound);

            // b through a session of its own, as a real instance would register; closing it is how b leaves.
            var bSession = await grid.Silo.ConnectAsync();
            await bSession.RegisterAsync(cluster, b);
            await proxy.WaitForUpstreamsAsync(path, ["a", "b"], Bound);
            await grid.Client.RegisterAsync(cluster, c);
            await proxy.WaitForUpstreamsAsync(path, ["a", "b", "c"], Bound);

            await grid.Client.DeregisterAsync(cluster, a);
            await proxy.WaitForUpstreamsAsync(path, ["b", "c"], Bound);
            await bSession.CloseAsync();
            await proxy.WaitForUpstreamsAsync(path, ["c"], Bound);

            // A change of the cluster's settings is followed as well: probes, which c fails, take it out.
            await grid.Client.RegisterAsync(cluster, a);
            await proxy.WaitForUpstreamsAsync(path, ["a", "c"], Bound);
            await grid.Client.SetClusterAsync(cluster, new ClusterSpec(HealthPath: "/healthz", HealthIntervalSeconds: 0.5, MaxFails: 0));
            await proxy.WaitForUpstreamsAsync(path, ["a"], Bound);
        }
    }

    [Fact]
    public async Task SiloRestarted_ProxyConnectsAgain_AndFollowsByWatchEventsOnTheNewConnection()
    {
        const string cluster = "restarted";
        const string path = "/restarted/x";
        await using var a = await Upstream.StartAsync("a");
        await using var b = await Upstream.StartAsync("b");
        await using var silo = await GridSilo.StartAsync();
        await using var proxy = await ProxyProcess.StartAsync(silo.Gateway, silo.ClusterId, null, WatchesOnly);
        var before = await silo.ConnectAsync();
        await before.SetRouteAsync(cluster, new RouteSpec("/restarted/{**rest}", cluster));
        await before.RegisterAsync(cluster, a);
        await proxy.WaitForUpstreamsAsync(path, ["a"], Bound);
        await before.AbandonAsync();

        // The Memory profile starts empty: the proxy's session and watches are gone. (Its last configuration stays only
        // until it has read the empty grid, which may be at once: CI saw a 404 here, so nothing is asserted in between.)
        await silo.RestartAsync();
        var after = await silo.ConnectAsync();
        await after.SetRouteAsync(cluster, new RouteSpec("/restarted/{**rest}", cluster));
        await after.RegisterAsync(cluster, b);
        // The proxy finds its session gone by itself (nothing polls here), connects again and reads everything.
        await proxy.WaitForUpstreamsAsync(path, ["b"], TimeSpan.FromSeconds(90));

        // From then on its new watches carry the changes.
        await after.RegisterAsync(cluster, a);
        await proxy.WaitForUpstreamsAsync(path, ["a", "b"], Bound);
        await after.DeregisterAsync(cluster, b);
        await proxy.WaitForUpstreamsAsync(path, ["a"], Bound);
        await after.CloseAsync();
    }
}
