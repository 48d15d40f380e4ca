using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.EndToEnd;

/// <summary>Upstreams that die or fail, and instances that come and go, with real processes.</summary>
[Collection(GridCollection.Name)]
public sealed class FailureTests(GridFixture grid)
{
    [Fact]
    public async Task KilledUpstream_RequestsRetriedOnTheOther_NoClientError()
    {
        var cluster = $"retry-{Guid.NewGuid():N}";
        await using var a = await Upstream.StartAsync("a");
        await using var b = await Upstream.StartAsync("b");
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo);
        // Passive health off: every other request is sent to the dead instance first, so each one needs the retry.
        await grid.Client.SetClusterAsync(cluster, new ClusterSpec(MaxFails: 0, Retries: 1));
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, a);
        await grid.Client.RegisterAsync(cluster, b);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a", "b"]);

        await a.KillAsync();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal((200, "b"), await proxy.GetAsync($"/{cluster}/after-kill/{i}"));
        }
    }

    [Fact]
    public async Task KilledUpstream_NoRetries_ClientSeesBadGateway()
    {
        var cluster = $"noretry-{Guid.NewGuid():N}";
        await using var a = await Upstream.StartAsync("a");
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo);
        await grid.Client.SetClusterAsync(cluster, new ClusterSpec(MaxFails: 0, Retries: 0));
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, a);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a"]);

        await a.KillAsync();
        Assert.Equal((502, null), await proxy.GetAsync($"/{cluster}/after-kill"));
    }

    [Fact]
    public async Task FailingUpstream_PassiveHealth_TakesItOut()
    {
        var cluster = $"passive-{Guid.NewGuid():N}";
        await using var failing = await Upstream.StartAsync("failing", "--status", "503");
        await using var healthy = await Upstream.StartAsync("healthy");
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo);
        await grid.Client.SetClusterAsync(cluster, new ClusterSpec(MaxFails: 2, FailTimeoutSeconds: 120, Retries: 0));
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, failing);
        await grid.Client.RegisterAsync(cluster, healthy);
        // Both answer /healthz with 200 (also in 503 mode): the proxy has both without counting failures yet.
        await proxy.WaitForUpstreamsAsync($"/{cluster}/healthz", ["failing", "healthy"]);

        var answers = new List<(int Status, string? Upstream)>();
        for (var i = 0; i < 30; i++) answers.Add(await proxy.GetAsync($"/{cluster}/work/{i}"));

        // Round robin sends every other request to the failing instance until its second 503 takes it out.
        Assert.InRange(answers.Count(a => a.Status == 503), 2, 3);
        Assert.All(answers.TakeLast(20), a => Assert.Equal((200, "healthy"), a));
    }

    [Fact]
    public async Task ActiveProbesFail_InstanceTakenOut_ThoughItStillAnswersRequests()
    {
        var cluster = $"active-{Guid.NewGuid():N}";
        await using var sick = await Upstream.StartAsync("sick", "--health-status", "503");
        await using var well = await Upstream.StartAsync("well");
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo);
        await grid.Client.SetClusterAsync(cluster, new ClusterSpec(HealthPath: "/healthz", HealthIntervalSeconds: 0.5, MaxFails: 0));
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, sick);
        await grid.Client.RegisterAsync(cluster, well);

        // The probes of /healthz fail on "sick" only: after them, every request goes to "well".
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["well"]);
        for (var i = 0; i < 10; i++) Assert.Equal((200, "well"), await proxy.GetAsync($"/{cluster}/probed/{i}"));
    }

    [Fact]
    public async Task InstancesJoinAndLeave_TrafficFollows()
    {
        var cluster = $"join-{Guid.NewGuid():N}";
        await using var a = await Upstream.StartAsync("a");
        await using var b = await Upstream.StartAsync("b");
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo);
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, a);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a"]);

        // b registers through its own session, as a real instance would; closing that session is how it leaves.
        var bSession = await grid.Silo.ConnectAsync();
        await bSession.RegisterAsync(cluster, b);
        var joined = System.Diagnostics.Stopwatch.StartNew();
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a", "b"]);
        TestContext.Current.SendDiagnosticMessage($"join followed within {joined.ElapsedMilliseconds} ms");

        await bSession.CloseAsync();
        var left = System.Diagnostics.Stopwatch.StartNew();
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a"]);
        TestContext.Current.SendDiagnosticMessage($"leave followed within {left.ElapsedMilliseconds} ms");
        for (var i = 0; i < 10; i++) Assert.Equal((200, "a"), await proxy.GetAsync($"/{cluster}/after-leave/{i}"));
    }
}
