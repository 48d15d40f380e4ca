using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.EndToEnd;

/// <summary>The tuned request path (docs/adr/011-proxy.md, "Speed"): inline socket I/O and no per-request Activity.</summary>
[Collection(GridCollection.Name)]
public sealed class RequestPathTests(GridFixture grid)
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    [Fact]
    public async Task TraceContext_ReachesTheUpstreamUnchanged()
    {
        const string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var (proxy, upstream, cluster) = await StartAsync(NewCluster("trace"));
        await using var proxyProcess = proxy;
        await using var upstreamProcess = upstream;

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/{cluster}/traced");
        request.Headers.Add("traceparent", traceparent);
        request.Headers.Add("tracestate", "congo=t61rcWkgMzE");
        using var response = await proxy.Http.SendAsync(request);

        Assert.Equal(traceparent, response.Headers.GetValues("X-Seen-traceparent").Single());
        Assert.Equal("congo=t61rcWkgMzE", response.Headers.GetValues("X-Seen-tracestate").Single());
    }

    [Fact]
    public async Task SlowUpstreamAnswer_DoesNotHoldUpOtherRequests()
    {
        var cluster = NewCluster("slow");
        var (proxy, upstream, _) = await StartAsync(cluster, environment: null, "--delay-path", $"/{cluster}/slow", "--delay-ms", "120000");
        await using var proxyProcess = proxy;
        await using var upstreamProcess = upstream;

        using var cancel = new CancellationTokenSource();
        var slow = proxy.Http.GetAsync($"/{cluster}/slow", cancel.Token);
        await Poll.UntilAsync(() => Task.FromResult(upstream.HasPrinted($"delaying /{cluster}/slow")), TimeSpan.FromSeconds(30),
            () => $"the slow request reaches the upstream\n{proxy.Output}");

        // While one request waits on its upstream, the I/O threads must keep serving everything else.
        var others = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => proxy.GetAsync($"/{cluster}/fast/{i}")));
        Assert.All(others, answer => Assert.Equal((200, cluster), answer));
        Assert.False(slow.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow);
    }

    [Fact]
    public async Task InlineIoTurnedOffByTheOperator_StillForwards()
    {
        var (proxy, upstream, cluster) = await StartAsync(NewCluster("pooled"), new Dictionary<string, string> { [InlineCompletions] = "0" });
        await using var proxyProcess = proxy;
        await using var upstreamProcess = upstream;

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => proxy.GetAsync($"/{cluster}/x/{i}")));
        Assert.All(answers, answer => Assert.Equal((200, cluster), answer));
    }

    private static string NewCluster(string name) => $"{name}-{Guid.NewGuid():N}";

    /// <summary>An upstream whose id is the cluster's name, registered in it, and a proxy routing <c>/cluster/...</c> to it.</summary>
    private async Task<(ProxyProcess Proxy, Upstream Upstream, string Cluster)> StartAsync(
        string cluster, IReadOnlyDictionary<string, string>? environment = null, params string[] upstreamArguments)
    {
        var upstream = await Upstream.StartAsync(cluster, upstreamArguments);
        try
        {
            var proxy = await ProxyProcess.StartAsync(grid.Silo.Gateway, grid.Silo.ClusterId, null, environment);
            try
            {
                await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
                await grid.Client.RegisterAsync(cluster, upstream);
                await proxy.WaitForUpstreamsAsync($"/{cluster}/x", [cluster]);
                return (proxy, upstream, cluster);
            }
            catch
            {
                await proxy.DisposeAsync();
                throw;
            }
        }
        catch
        {
            await upstream.DisposeAsync();
            throw;
        }
    }
}
