using OrleansCoord.Client.Proxy;
using OrleansCoord.Errors;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.EndToEnd;

/// <summary>The proxy's view of its upstreams in the grid (<c>/proxy/status/&lt;id&gt;</c>), as <c>coord proxy status</c> shows it.</summary>
[Collection(GridCollection.Name)]
public sealed class StatusTests(GridFixture grid)
{
    [Fact]
    public async Task Status_PublishedInTheGrid_FollowsHealth_ShownByCoordProxyStatus_GoneWithTheProxy()
    {
        var cluster = $"status-{Guid.NewGuid():N}";
        var proxyId = $"p-{Guid.NewGuid():N}";
        await using var ok = await Upstream.StartAsync("ok");
        await using var broken = await Upstream.StartAsync("broken", "--status", "503");
        await grid.Client.SetClusterAsync(cluster, new ClusterSpec(MaxFails: 1, FailTimeoutSeconds: 120, Retries: 0));
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, ok);
        await grid.Client.RegisterAsync(cluster, broken);
        var proxy = await ProxyProcess.StartAsync(grid.Silo, null, "--id", proxyId, "--status-interval", "00:00:00.2");
        try
        {
            await proxy.WaitForUpstreamsAsync($"/{cluster}/healthz", ["ok", "broken"]);
            await UntilStatusAsync(proxyId, cluster, s => s.Instances.Count == 2 && s.Instances.Values.All(i => i.Healthy));

            // One 503 takes "broken" out (max-fails 1); the grid's view follows.
            for (var i = 0; i < 4; i++) await proxy.GetAsync($"/{cluster}/work/{i}");
            var status = await UntilStatusAsync(proxyId, cluster, s => !s.Instances["broken"].Healthy && s.Instances.Values.All(i => i.InFlight == 0));
            Assert.Equal(new InstanceStatus(broken.Address, false, "unhealthy", "unknown", 0), status.Instances["broken"]);
            Assert.Equal(new InstanceStatus(ok.Address, true, "unknown", "unknown", 0), status.Instances["ok"]);

            var shown = await CoordAsync("proxy", "status");
            Assert.Contains($"proxy {proxyId}", shown);
            Assert.Contains($"  cluster {cluster}: 1/2 healthy", shown);
            Assert.Contains($"    instance broken: {broken.Address} unhealthy (passive), 0 in flight", shown);
            Assert.Contains($"    instance ok: {ok.Address} healthy, 0 in flight", shown);
        }
        finally
        {
            await proxy.StopAsync();
        }

        // A clean stop closes the proxy's session: its status goes with it.
        await Poll.UntilAsync(async () => !await ExistsAsync(proxyId), TimeSpan.FromSeconds(30), () => $"{ProxyPaths.StatusOf(proxyId)} gone\n{proxy.Output}");
        await proxy.DisposeAsync();
    }

    private async Task<ClusterStatus> UntilStatusAsync(string proxyId, string cluster, Func<ClusterStatus, bool> condition)
    {
        ClusterStatus? last = null;
        await Poll.UntilAsync(async () =>
        {
            try
            {
                var status = ProxyJson.ReadStatus((await grid.Client.GetDataAsync(ProxyPaths.StatusOf(proxyId))).Data);
                last = status?.Clusters.GetValueOrDefault(cluster);
                return last is not null && condition(last);
            }
            catch (CoordException exception) when (exception.Code == CoordErrorCode.NoNode)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), () => $"status of {cluster} in {ProxyPaths.StatusOf(proxyId)}: {System.Text.Json.JsonSerializer.Serialize(last)}");
        return last!;
    }

    private async Task<bool> ExistsAsync(string proxyId) => await grid.Client.ExistsAsync(ProxyPaths.StatusOf(proxyId)) is not null;

    private async Task<string> CoordAsync(params string[] arguments)
    {
        await using var coord = ChildProcess.Start("coord", ChildProcess.Dotnet,
            [BuildOutputs.CoordDll, "--server", grid.Silo.Gateway, "--cluster-id", grid.Silo.ClusterId, .. arguments]);
        await Poll.UntilAsync(() => Task.FromResult(coord.HasExited), TimeSpan.FromSeconds(60), () => $"coord ends\n{coord.Output}");
        Assert.True(coord.ExitCode == 0, coord.Output);
        return coord.Output;
    }
}
