using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.EndToEnd;

/// <summary>Routes and instances written into a real grid reach a real proxy process, which forwards to real upstreams.</summary>
[Collection(GridCollection.Name)]
public sealed class GridRoutingTests(GridFixture grid)
{
    [Fact]
    public async Task RoundRobin_TwoRegisteredUpstreams_EachGetsHalf()
    {
        var cluster = $"rr-{Guid.NewGuid():N}";
        await using var a = await Upstream.StartAsync("a");
        await using var b = await Upstream.StartAsync("b");
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo);

        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, a);
        await grid.Client.RegisterAsync(cluster, b);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a", "b"]);

        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 40; i++)
        {
            var (status, upstream) = await proxy.GetAsync($"/{cluster}/item/{i}");
            Assert.Equal(200, status);
            counts[upstream!] = counts.GetValueOrDefault(upstream!) + 1;
        }

        Assert.Equal(20, counts["a"]);
        Assert.Equal(20, counts["b"]);
    }

    [Fact]
    public async Task RouteChangedAndRemoved_Followed()
    {
        var cluster = $"moved-{Guid.NewGuid():N}";
        await using var a = await Upstream.StartAsync("a");
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo);
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/old/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, a);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/old/x", ["a"]);

        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/new/{{**rest}}", cluster));
        await proxy.WaitForUpstreamsAsync($"/{cluster}/new/x", ["a"]);
        Assert.Equal(404, (await proxy.GetAsync($"/{cluster}/old/x")).Status);

        await grid.Client.DeleteAsync(ProxyPaths.Route(cluster));
        await Poll.UntilAsync(async () => (await proxy.GetAsync($"/{cluster}/new/x")).Status == 404, TimeSpan.FromSeconds(60),
            () => $"the removed route answers 404\n{proxy.Output}");
    }

    [Fact]
    public async Task ForwardedHeaders_ReachTheUpstream()
    {
        var cluster = $"fwd-{Guid.NewGuid():N}";
        await using var a = await Upstream.StartAsync("a");
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo);
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, a);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a"]);

        using var response = await proxy.Http.GetAsync($"/{cluster}/x");
        Assert.Equal("127.0.0.1", response.Headers.GetValues("X-Seen-X-Forwarded-For").Single());
        Assert.Equal("http", response.Headers.GetValues("X-Seen-X-Forwarded-Proto").Single());
        Assert.Equal($"127.0.0.1:{proxy.Port}", response.Headers.GetValues("X-Seen-X-Forwarded-Host").Single());
    }

    [Fact]
    public async Task BodyOverTheLimit_PayloadTooLarge_SmallerOnePasses()
    {
        var cluster = $"body-{Guid.NewGuid():N}";
        await using var a = await Upstream.StartAsync("a");
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo, null, "--max-body-size", "1000");
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, a);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a"]);

        using var large = await proxy.Http.PostAsync($"/{cluster}/upload", new ByteArrayContent(new byte[1001]));
        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        using var small = await proxy.Http.PostAsync($"/{cluster}/upload", new ByteArrayContent(new byte[1000]));
        Assert.Equal(System.Net.HttpStatusCode.OK, small.StatusCode);
    }

    [Fact]
    public async Task WebSocket_PassesThroughToTheUpstream()
    {
        var cluster = $"ws-{Guid.NewGuid():N}";
        await using var a = await Upstream.StartAsync("a");
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo);
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, a);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a"]);

        using var socket = new System.Net.WebSockets.ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{proxy.Port}/{cluster}/ws"), timeout.Token);
        foreach (var message in new[] { "hello", "again" })
        {
            await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(message), System.Net.WebSockets.WebSocketMessageType.Text, true, timeout.Token);
            var buffer = new byte[256];
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            Assert.Equal($"a:{message}", System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
    }

    [Fact]
    public async Task SilentUpstream_GatewayTimeout()
    {
        var cluster = $"slow-{Guid.NewGuid():N}";
        await using var a = await Upstream.StartAsync("a", "--delay-path", $"/{cluster}/slow", "--delay-ms", "20000");
        // Long enough for the requests that must be answered on a loaded machine; the slow one waits 20 s.
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo, null, "--upstream-timeout", "00:00:05");
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, a);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a"]);

        Assert.Equal((504, null), await proxy.GetAsync($"/{cluster}/slow"));
        Assert.Equal((200, "a"), await proxy.GetAsync($"/{cluster}/fast"));
    }

    [Fact]
    public async Task InvalidZNodes_Skipped_TheRestServed()
    {
        var cluster = $"mixed-{Guid.NewGuid():N}";
        await using var a = await Upstream.StartAsync("a");
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo);
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, a);
        // Not JSON; valid JSON that YARP refuses (a catch-all must come last); an instance without an address.
        await grid.Client.CreateAsync($"{ProxyPaths.Routes}/{cluster}-garbage", "{not json"u8.ToArray());
        await grid.Client.SetRouteAsync($"{cluster}-refused", new RouteSpec($"/{cluster}-refused/{{**rest}}/{{x}}", cluster));
        await grid.Client.CreateAsync($"{ProxyPaths.Instances(cluster)}/broken", "{\"weight\":1}"u8.ToArray(), ZNodes.CreateMode.Ephemeral);

        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a"]);
        Assert.Equal(404, (await proxy.GetAsync($"/{cluster}-refused/a/b")).Status);
        await Poll.UntilAsync(() => Task.FromResult(proxy.Output.Contains($"Route {cluster}-refused refused", StringComparison.Ordinal)
            && proxy.Output.Contains($"Ignoring /proxy/routes/{cluster}-garbage", StringComparison.Ordinal)
            && proxy.Output.Contains($"Ignoring /services/{cluster}/broken", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), () => $"the proxy names the bad znodes\n{proxy.Output}");

        // Clean up: routes in the shared grid are read by the other tests' proxies too.
        await grid.Client.DeleteAsync($"{ProxyPaths.Routes}/{cluster}-garbage");
        await grid.Client.DeleteAsync($"{ProxyPaths.Routes}/{cluster}-refused");
    }

    [Fact]
    public async Task UnknownPath_NotFound_ProxyStaysUp()
    {
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo);
        var (status, upstream) = await proxy.GetAsync($"/nothing-{Guid.NewGuid():N}");
        Assert.Equal(404, status);
        Assert.Null(upstream);
        using var health = await proxy.Admin.GetAsync("/healthz");
        Assert.True(health.IsSuccessStatusCode);
    }
}
