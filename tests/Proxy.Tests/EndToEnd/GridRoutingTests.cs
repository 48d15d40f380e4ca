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
