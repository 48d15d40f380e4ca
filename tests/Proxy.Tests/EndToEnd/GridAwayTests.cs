using OrleansCoord.Client;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.EndToEnd;

/// <summary>The grid goes away (its only silo is killed): the proxy keeps serving, also after its own restart.</summary>
public sealed class GridAwayTests
{
    [Fact]
    public async Task GridKilled_LastConfigServed_AndRestartedProxyServesTheSnapshot()
    {
        await using var a = await Upstream.StartAsync("a");
        await using var b = await Upstream.StartAsync("b");
        await using var silo = await GridSilo.StartAsync();
        var client = await silo.ConnectAsync();
        await client.SetRouteAsync("away", new RouteSpec("/away/{**rest}", "away"));
        await client.RegisterAsync("away", a);
        await client.RegisterAsync("away", b);

        var directory = Directory.CreateTempSubdirectory("proxy-test-");
        try
        {
            await ServeThroughGridLossAndRestartAsync(silo, client, Path.Combine(directory.FullName, "snapshot.json"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task ServeThroughGridLossAndRestartAsync(GridSilo silo, CoordClient client, string snapshotPath)
    {
        await using (var proxy = await ProxyProcess.StartAsync(silo, snapshotPath))
        {
            await proxy.WaitForUpstreamsAsync("/away/x", ["a", "b"]);

            await silo.KillAsync();
            await client.AbandonAsync();
            // Long enough for the proxy's grid reads to fail (5 s timeout) and for it to try reconnecting.
            for (var i = 0; i < 60; i++)
            {
                var (status, upstream) = await proxy.GetAsync($"/away/{i}");
                Assert.Equal(200, status);
                Assert.Contains(upstream, new[] { "a", "b" });
                await Task.Delay(200, TestContext.Current.CancellationToken);
            }

            // It did notice: the requests above were served while its grid reads were failing.
            await Poll.UntilAsync(() => Task.FromResult(proxy.Output.Contains("Grid unreachable", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(60), () => $"the proxy reports the grid away\n{proxy.Output}");
            Assert.Equal(200, (await proxy.GetAsync("/away/still")).Status);
        }

        await using var restarted = await ProxyProcess.StartAsync(silo.Gateway, silo.ClusterId, snapshotPath);
        var seen = new HashSet<string>();
        for (var i = 0; i < 10; i++)
        {
            var (status, upstream) = await restarted.GetAsync($"/away/restarted/{i}");
            Assert.Equal(200, status);
            seen.Add(upstream!);
        }

        Assert.Equal(["a", "b"], seen.Order());
        Assert.Contains("Serving the snapshot", restarted.Output, StringComparison.Ordinal);
    }
}
