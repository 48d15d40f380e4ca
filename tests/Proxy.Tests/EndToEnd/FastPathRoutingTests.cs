using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.EndToEnd;

/// <summary>
/// Routing and balancing on the connection-level fast path: the same route wins as on YARP's path, and a connection
/// that moves from the fast path to YARP's keeps the balancing state (hash ring, round-robin counter) it had.
/// </summary>
[Collection(GridCollection.Name)]
public sealed class FastPathRoutingTests(GridFixture grid)
{
    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task RouteOrder_LiteralBeforeCatchAll_LongerPrefixFirst_HostRoutesFirst(string fastPath)
    {
        var id = $"order-{fastPath}-{Guid.NewGuid():N}";
        string[] names = ["all", "api", "exact", "host"];
        var upstreams = new List<Upstream>();
        foreach (var name in names) upstreams.Add(await Upstream.StartAsync(name));
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo, null, "--fast-path", fastPath);
        try
        {
            for (var i = 0; i < names.Length; i++) await grid.Client.RegisterAsync($"{id}-{names[i]}", upstreams[i]);
            await grid.Client.SetRouteAsync($"{id}-all", new RouteSpec($"/{id}/{{**rest}}", $"{id}-all"));
            await grid.Client.SetRouteAsync($"{id}-api", new RouteSpec($"/{id}/api/{{**rest}}", $"{id}-api"));
            await grid.Client.SetRouteAsync($"{id}-exact", new RouteSpec($"/{id}/api/exact", $"{id}-exact"));
            await grid.Client.SetRouteAsync($"{id}-host", new RouteSpec($"/{id}/api/{{**rest}}", $"{id}-host", ["example.test"]));
            await proxy.WaitForUpstreamsAsync($"/{id}/api/exact", ["exact"]);
            await Poll.UntilAsync(async () => await WhoAnswersAsync(proxy, $"/{id}/api/x", "example.test") == "host", TimeSpan.FromSeconds(60),
                () => $"the host route is served\n{proxy.Output}");

            Assert.Equal("all", await WhoAnswersAsync(proxy, $"/{id}/x"));
            Assert.Equal("all", await WhoAnswersAsync(proxy, $"/{id}"));
            Assert.Equal("api", await WhoAnswersAsync(proxy, $"/{id}/api/x/y"));
            Assert.Equal("api", await WhoAnswersAsync(proxy, $"/{id}/API/x"));
            Assert.Equal("api", await WhoAnswersAsync(proxy, $"/{id}/api"));
            Assert.Equal("exact", await WhoAnswersAsync(proxy, $"/{id}/api/exact"));
            Assert.Equal("exact", await WhoAnswersAsync(proxy, $"/{id}/Api/Exact"));
            Assert.Equal("api", await WhoAnswersAsync(proxy, $"/{id}/api/exact/more"));
            Assert.Equal("host", await WhoAnswersAsync(proxy, $"/{id}/api/x", "example.test:8080"));
            Assert.Equal("host", await WhoAnswersAsync(proxy, $"/{id}/api/x", "EXAMPLE.test"));
            Assert.Equal("exact", await WhoAnswersAsync(proxy, $"/{id}/api/exact", "example.test"));
            Assert.Equal("all", await WhoAnswersAsync(proxy, $"/{id}/other", "example.test"));
            Assert.Equal(404, (await proxy.GetAsync($"/{id}-not-a-route/x")).Status);
            await FastPathTests.AssertServedAsync(new ProxyWithUpstream(proxy, upstreams[0], id, fastPath), handoff: null);
        }
        finally
        {
            foreach (var upstream in upstreams) await upstream.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("cookie:sid")]
    [InlineData("header:X-User")]
    [InlineData("path")]
    public async Task ConsistentHash_SameInstanceOnBothPaths(string hashKey)
    {
        var id = $"hash-{Guid.NewGuid():N}";
        var upstreams = new List<Upstream>();
        foreach (var name in new[] { "a", "b", "c" }) upstreams.Add(await Upstream.StartAsync(name));
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo, null, "--fast-path", "on");
        try
        {
            await grid.Client.SetClusterAsync(id, new ClusterSpec(BalancingPolicyNames.ConsistentHash, HashKey: hashKey));
            await grid.Client.SetRouteAsync(id, new RouteSpec($"/{id}/{{**rest}}", id));
            foreach (var upstream in upstreams) await grid.Client.RegisterAsync(id, upstream);
            // Every instance answers some key: the proxy has all three.
            await Poll.UntilAsync(async () =>
            {
                var seen = new HashSet<string?>();
                for (var i = 0; i < 24; i++)
                {
                    var key = Guid.NewGuid().ToString("N");
                    seen.Add(await WhoAnswersAsync(proxy, $"/{id}/{key}", configure: r => r.Headers.Add(hashKey == "cookie:sid" ? "Cookie" : "X-User", hashKey == "cookie:sid" ? $"sid={key}" : key)));
                }

                return seen.SetEquals(["a", "b", "c"]);
            }, TimeSpan.FromSeconds(60), () => $"all three instances answer\n{proxy.Output}");

            var keys = Enumerable.Range(0, 12).Select(i => $"key{i}").ToList();
            string Request(string key) => $"GET /{id}/{(hashKey == "path" ? key : "same")} HTTP/1.1\r\nHost: x\r\nCookie: other=1; sid={key}\r\nX-User: {key}\r\n\r\n";
            await using var fast = await RawHttp.ConnectAsync(proxy.Port);
            var onFastPath = new List<string?>();
            foreach (var key in keys)
            {
                await fast.SendAsync(Request(key));
                onFastPath.Add((await fast.ReadResponseAsync()).Header("X-Upstream-Id"));
            }

            // A percent-encoded path is Kestrel's to decode: this connection goes to YARP's path from its first request.
            await using var slow = await RawHttp.ConnectAsync(proxy.Port);
            await slow.SendAsync($"GET /{id}/%78 HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Equal(200, (await slow.ReadResponseAsync()).Status);
            var onYarpPath = new List<string?>();
            foreach (var key in keys)
            {
                await slow.SendAsync(Request(key));
                onYarpPath.Add((await slow.ReadResponseAsync()).Header("X-Upstream-Id"));
            }

            Assert.Equal(onYarpPath, onFastPath);
            Assert.True(onFastPath.Distinct().Count() > 1, "the keys spread over the instances");
            await FastPathTests.AssertServedAsync(new ProxyWithUpstream(proxy, upstreams[0], id, "on"), handoff: "request");
        }
        finally
        {
            foreach (var upstream in upstreams) await upstream.DisposeAsync();
        }
    }

    [Fact]
    public async Task RoundRobin_ContinuesAcrossTheHandoff()
    {
        var id = $"rr-{Guid.NewGuid():N}";
        await using var a = await Upstream.StartAsync("a");
        await using var b = await Upstream.StartAsync("b");
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo, null, "--fast-path", "on");
        await grid.Client.SetRouteAsync(id, new RouteSpec($"/{id}/{{**rest}}", id));
        await grid.Client.RegisterAsync(id, a);
        await grid.Client.RegisterAsync(id, b);
        await proxy.WaitForUpstreamsAsync($"/{id}/x", ["a", "b"]);

        // One connection: three requests on the fast path, then one YARP must take (encoded path), then three more on YARP's.
        await using var connection = await RawHttp.ConnectAsync(proxy.Port);
        var answers = new List<string?>();
        foreach (var path in new[] { "x", "x", "x", "%78", "x", "x", "x" })
        {
            await connection.SendAsync($"GET /{id}/{path} HTTP/1.1\r\nHost: x\r\n\r\n");
            answers.Add((await connection.ReadResponseAsync()).Header("X-Upstream-Id"));
        }

        for (var i = 1; i < answers.Count; i++) Assert.NotEqual(answers[i - 1], answers[i]);
        await FastPathTests.AssertServedAsync(new ProxyWithUpstream(proxy, a, id, "on"), handoff: "request");
    }

    private static async Task<string?> WhoAnswersAsync(ProxyProcess proxy, string path, string? host = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (host is not null) request.Headers.Host = host;
        configure?.Invoke(request);
        using var response = await proxy.Http.SendAsync(request);
        return response.Headers.TryGetValues("X-Upstream-Id", out var values) ? values.Single() : $"status {(int)response.StatusCode}";
    }
}
