using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.EndToEnd;

/// <summary>A dead upstream under traffic gives one log line when it goes out of rotation, not a stack trace per failed request (issue 23, item 4).</summary>
[Collection(GridCollection.Name)]
public sealed class HealthLogTests(GridFixture grid)
{
    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task DeadUpstream_OneLineForItsHealthChange_NoStackTraces(string fastPath)
    {
        var cluster = $"healthlog-{Guid.NewGuid():N}";
        await using var a = await Upstream.StartAsync("a");
        await using var b = await Upstream.StartAsync("b");
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo, null, "--fast-path", fastPath, "--status-interval", "00:00:00.2");
        // Reactivation after 1 s: the dead instance is tried again and fails again, several times during the traffic.
        await grid.Client.SetClusterAsync(cluster, new ClusterSpec(MaxFails: 1, FailTimeoutSeconds: 1, Retries: 1));
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, a);
        await grid.Client.RegisterAsync(cluster, b);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a", "b"]);

        await a.KillAsync();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(4);
        var failed = 0;
        while (DateTime.UtcNow < until)
        {
            // Retries: 1 — a request that met the dead instance is answered by b; GETs are spread over ~4 s of traffic.
            if (await proxy.GetAsync($"/{cluster}/after-kill") != (200, "b")) failed++;
        }

        await Poll.UntilAsync(() => Task.FromResult(OutLines(proxy, cluster).Length > 0), TimeSpan.FromSeconds(10),
            () => $"a line saying instance a went out of rotation\n{proxy.Output}");
        var lines = proxy.Output.Split('\n');
        Assert.Equal(0, failed);
        Assert.False(lines.Any(line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal)), $"a stack trace in the proxy's log:\n{proxy.Output}");
        // YARP's own line per passive verdict is left out too: ours says it once per change.
        Assert.DoesNotContain(lines, line => line.Contains("marked as 'Unhealthy", StringComparison.Ordinal));
        // Each line is a change: out, back (after fail timeout), out again... never two outs in a row, never one per request.
        var changes = lines.Where(line => line.Contains($"of cluster {cluster}", StringComparison.Ordinal)).ToArray();
        Assert.All(changes, line => Assert.Contains("Instance a ", line, StringComparison.Ordinal));
        for (var i = 1; i < changes.Length; i++)
        {
            Assert.NotEqual(changes[i - 1].Contains("out of rotation", StringComparison.Ordinal), changes[i].Contains("out of rotation", StringComparison.Ordinal));
        }

        // ~4 s of traffic with a 1 s fail timeout: at most a few outs (one per reactivation), far fewer than the requests.
        Assert.InRange(OutLines(proxy, cluster).Length, 1, 6);
    }

    private static string[] OutLines(ProxyProcess proxy, string cluster) =>
        proxy.Output.Split('\n').Where(line => line.Contains($"of cluster {cluster}", StringComparison.Ordinal) && line.Contains("out of rotation", StringComparison.Ordinal)).ToArray();
}
