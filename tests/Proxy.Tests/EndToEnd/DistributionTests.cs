using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.EndToEnd;

/// <summary>How the policies spread real requests over real upstream processes.</summary>
[Collection(GridCollection.Name)]
public sealed class DistributionTests(GridFixture grid)
{
    [Fact]
    public async Task WeightedRoundRobin_ThreeToOne_ExactlyHonoured()
    {
        var cluster = $"wrr-{Guid.NewGuid():N}";
        await using var heavy = await Upstream.StartAsync("heavy");
        await using var light = await Upstream.StartAsync("light");
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo);
        await grid.Client.SetClusterAsync(cluster, new ClusterSpec(BalancingPolicyNames.WeightedRoundRobin));
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, heavy, weight: 3);
        await grid.Client.RegisterAsync(cluster, light, weight: 1);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["heavy", "light"]);

        var counts = await CountAsync(proxy, Enumerable.Range(0, 40).Select(i => $"/{cluster}/{i}"));

        // Smooth weighted round robin repeats with period 4 (3 + 1): any 40 picks in a row are exactly 30 and 10.
        Assert.Equal(30, counts["heavy"]);
        Assert.Equal(10, counts["light"]);
    }

    [Fact]
    public async Task ConsistentHash_KeysStick_AndOnlyTheLeaversKeysMove()
    {
        var cluster = $"hash-{Guid.NewGuid():N}";
        var upstreams = new List<Upstream>();
        try
        {
            foreach (var id in new[] { "h0", "h1", "h2" }) upstreams.Add(await Upstream.StartAsync(id));
            await using var proxy = await ProxyProcess.StartAsync(grid.Silo);
            await grid.Client.SetClusterAsync(cluster, new ClusterSpec(BalancingPolicyNames.ConsistentHash, HashKey: "header:X-User"));
            await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
            foreach (var upstream in upstreams) await grid.Client.RegisterAsync(cluster, upstream);
            await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["h0", "h1", "h2"]);

            var users = Enumerable.Range(0, 60).Select(i => $"user-{i}").ToList();
            var before = await OwnersAsync(proxy, cluster, users);
            Assert.Equal(before, await OwnersAsync(proxy, cluster, users));
            Assert.Equal(3, before.Values.Distinct().Count());

            await grid.Client.DeregisterAsync(cluster, upstreams[1]);
            // Wait until none of the users goes to h1. While the proxy still has the old configuration, every user h1
            // owned (about a third of 60) goes there, so this cannot pass by luck, as a few random probes could (each
            // misses h1 with probability 2/3: 8 of them about 4% of the time).
            var after = before;
            await Poll.UntilAsync(async () => !(after = await OwnersAsync(proxy, cluster, users)).ContainsValue("h1"), TimeSpan.FromSeconds(60),
                () => $"h1 still owns {string.Join(",", after.Where(o => o.Value == "h1").Select(o => o.Key))}\n{proxy.Output}");

            foreach (var user in users)
            {
                if (before[user] != "h1") Assert.Equal(before[user], after[user]);
                else Assert.NotEqual("h1", after[user]);
            }
        }
        finally
        {
            foreach (var upstream in upstreams) await upstream.DisposeAsync();
        }
    }

    [Fact]
    public async Task LeastRequests_BusyInstance_QuickRequestsGoToTheIdleOne()
    {
        var cluster = $"least-{Guid.NewGuid():N}";
        string[] slow = ["--delay-path", $"/{cluster}/slow", "--delay-ms", "8000"];
        await using var a = await Upstream.StartAsync("a", slow);
        await using var b = await Upstream.StartAsync("b", slow);
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo);
        await grid.Client.SetClusterAsync(cluster, new ClusterSpec(BalancingPolicyNames.LeastRequests));
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, a);
        await grid.Client.RegisterAsync(cluster, b);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a", "b"]);

        var slowRequest = proxy.GetAsync($"/{cluster}/slow");
        await Poll.UntilAsync(() => Task.FromResult(a.HasPrinted($"delaying /{cluster}/slow") || b.HasPrinted($"delaying /{cluster}/slow")),
            TimeSpan.FromSeconds(30), () => "the slow request reached an upstream");
        var busy = a.HasPrinted($"delaying /{cluster}/slow") ? "a" : "b";

        var counts = await CountAsync(proxy, Enumerable.Range(0, 10).Select(i => $"/{cluster}/quick/{i}"));
        Assert.False(counts.ContainsKey(busy), $"quick requests went to the busy instance {busy}: {string.Join(",", counts)}");
        Assert.Equal(10, counts.Values.Sum());
        Assert.Equal((200, busy), await slowRequest);
    }

    /// <summary>
    /// Both request paths count requests in flight in one place: a slow request on one path makes its instance busy for
    /// the policy on the other. With two instances power-of-two always compares both, so it must avoid the busy one too.
    /// The slow request goes to YARP's path as HTTP/1.0 (the fast path hands such a connection to Kestrel); the quick
    /// ones go to YARP's path on a connection handed over by an encoded path (/%71uick/...: YARP's path decodes it).
    /// </summary>
    [Theory]
    [InlineData(BalancingPolicyNames.LeastRequests, "yarp")]
    [InlineData(BalancingPolicyNames.LeastRequests, "fast")]
    [InlineData(BalancingPolicyNames.PowerOfTwo, "yarp")]
    [InlineData(BalancingPolicyNames.PowerOfTwo, "fast")]
    public async Task BusyOnOnePath_QuickRequestsOnTheOtherGoToTheIdleInstance(string policy, string slowPath)
    {
        var cluster = $"inflight-{Guid.NewGuid():N}";
        string[] slow = ["--delay-path", $"/{cluster}/slow", "--delay-ms", "8000"];
        await using var a = await Upstream.StartAsync("a", slow);
        await using var b = await Upstream.StartAsync("b", slow);
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo, null, "--fast-path", "on");
        await grid.Client.SetClusterAsync(cluster, new ClusterSpec(policy));
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, a);
        await grid.Client.RegisterAsync(cluster, b);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a", "b"]);

        await using var slowConnection = await RawHttp.ConnectAsync(proxy.Port);
        await slowConnection.SendAsync($"GET /{cluster}/slow HTTP/{(slowPath == "yarp" ? "1.0" : "1.1")}\r\nHost: x\r\n\r\n");
        var slowAnswer = slowConnection.ReadResponseAsync();
        await Poll.UntilAsync(() => Task.FromResult(a.HasPrinted($"delaying /{cluster}/slow") || b.HasPrinted($"delaying /{cluster}/slow")),
            TimeSpan.FromSeconds(30), () => "the slow request reached an upstream");
        var busy = a.HasPrinted($"delaying /{cluster}/slow") ? "a" : "b";

        await using var quickConnection = await RawHttp.ConnectAsync(proxy.Port);
        var answeredBy = new List<string?>();
        for (var i = 0; i < 10; i++)
        {
            await quickConnection.SendAsync($"GET /{cluster}/{(slowPath == "yarp" ? "quick" : "%71uick")}/{i} HTTP/1.1\r\nHost: x\r\n\r\n");
            var answer = await quickConnection.ReadResponseAsync();
            Assert.Equal(200, answer.Status);
            answeredBy.Add(answer.Header("X-Upstream-Id"));
        }

        Assert.DoesNotContain(busy, answeredBy);
        var slowResponse = await slowAnswer;
        Assert.Equal((200, busy), (slowResponse.Status, slowResponse.Header("X-Upstream-Id")));
        // One connection went to YARP's path, the other stayed on the fast path.
        await FastPathTests.AssertServedAsync(new ProxyWithUpstream(proxy, a, cluster, "on"), handoff: "request");
    }

    private static async Task<Dictionary<string, int>> CountAsync(ProxyProcess proxy, IEnumerable<string> paths)
    {
        var counts = new Dictionary<string, int>();
        foreach (var path in paths)
        {
            var (status, upstream) = await proxy.GetAsync(path);
            Assert.Equal(200, status);
            counts[upstream!] = counts.GetValueOrDefault(upstream!) + 1;
        }

        return counts;
    }

    private static async Task<Dictionary<string, string>> OwnersAsync(ProxyProcess proxy, string cluster, IEnumerable<string> users)
    {
        var owners = new Dictionary<string, string>();
        foreach (var user in users)
        {
            var (status, upstream) = await proxy.GetAsync($"/{cluster}/profile", request => request.Headers.Add("X-User", user));
            Assert.Equal(200, status);
            owners[user] = upstream!;
        }

        return owners;
    }
}
