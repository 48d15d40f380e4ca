using System.Text.RegularExpressions;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.EndToEnd;

/// <summary>The admin port's /metrics and the access log, read from a real proxy process.</summary>
[Collection(GridCollection.Name)]
public sealed class ObservabilityTests(GridFixture grid)
{
    [Fact]
    public async Task Metrics_CountRequestsByRouteInstanceStatus_AndShowInstanceHealth()
    {
        var cluster = $"metrics-{Guid.NewGuid():N}";
        await using var ok = await Upstream.StartAsync("ok");
        await using var broken = await Upstream.StartAsync("broken", "--status", "503");
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo);
        await grid.Client.SetClusterAsync(cluster, new ClusterSpec(MaxFails: 1, FailTimeoutSeconds: 120, Retries: 0));
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, ok);
        await grid.Client.RegisterAsync(cluster, broken);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/healthz", ["ok", "broken"]);

        var before = await MetricsAsync(proxy);
        Assert.Contains($"coord_proxy_instance_healthy{{cluster=\"{cluster}\",instance=\"broken\"}} 1", before);
        var okBefore = Value(before, $"coord_proxy_requests_total{{route=\"{cluster}\",instance=\"ok\",status=\"200\"}}");

        var answers = new List<(int Status, string? Upstream)>();
        for (var i = 0; i < 6; i++) answers.Add(await proxy.GetAsync($"/{cluster}/work/{i}"));

        var okSeries = $"coord_proxy_requests_total{{route=\"{cluster}\",instance=\"ok\",status=\"200\"}}";
        var okExpected = okBefore + answers.Count(a => a.Upstream == "ok");
        var after = await MetricsOnceAsync(proxy, okSeries, okExpected);

        // Its first 503 takes "broken" out; YARP refreshes the list of usable instances a moment later (on the thread
        // pool), so round robin may reach it again before that (twice more on a loaded machine: 1-2 failed in CI-like
        // runs with 3). This test is about the counters matching the answers; how fast passive health takes an
        // instance out is the passive health tests' subject.
        var brokenAnswers = answers.Count(a => a.Status == 503);
        Assert.InRange(brokenAnswers, 1, 3);
        Assert.Equal(brokenAnswers, Value(after, $"coord_proxy_requests_total{{route=\"{cluster}\",instance=\"broken\",status=\"503\"}}"));
        Assert.Equal(okExpected, Value(after, okSeries));
        Assert.Contains($"coord_proxy_instance_healthy{{cluster=\"{cluster}\",instance=\"broken\"}} 0", after);
        Assert.Contains($"coord_proxy_instance_healthy{{cluster=\"{cluster}\",instance=\"ok\"}} 1", after);
        Assert.Equal(Value(after, $"coord_proxy_request_duration_seconds_count{{route=\"{cluster}\"}}"),
            Value(after, $"coord_proxy_request_duration_seconds_bucket{{route=\"{cluster}\",le=\"+Inf\"}}"));
    }

    [Fact]
    public async Task Metrics_UnmatchedRequestsCounted_JoinedInstanceShownAtOnce_DepartedInstanceDropped()
    {
        var cluster = $"labels-{Guid.NewGuid():N}";
        await using var a = await Upstream.StartAsync("a");
        await using var b = await Upstream.StartAsync("b");
        await using var c = await Upstream.StartAsync("c");
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo);
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, a);
        // b registers through its own session, as a real instance would; closing that session is how it leaves.
        var bSession = await grid.Silo.ConnectAsync();
        await bSession.RegisterAsync(cluster, b);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a", "b"]);

        // Polls before the route was taken in were unmatched too: count from here.
        var unmatched = Value(await MetricsAsync(proxy), "coord_proxy_requests_total{route=\"\",instance=\"\",status=\"404\"}");
        Assert.Equal(404, (await proxy.GetAsync($"/no-route-{cluster}/x")).Status);
        Assert.Equal(404, (await proxy.GetAsync($"/no-route-{cluster}/y")).Status);
        var before = await MetricsOnceAsync(proxy, "coord_proxy_requests_total{route=\"\",instance=\"\",status=\"404\"}", unmatched + 2);
        Assert.Equal(unmatched + 2, Value(before, "coord_proxy_requests_total{route=\"\",instance=\"\",status=\"404\"}"));
        Assert.True(Value(before, $"coord_proxy_requests_total{{route=\"{cluster}\",instance=\"b\",status=\"200\"}}") > 0);

        await bSession.CloseAsync();
        await grid.Client.RegisterAsync(cluster, c);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a", "c"]);

        var after = await MetricsAsync(proxy);
        // (Other tests' clusters in the shared grid may have a "b" of their own: only this cluster's count.)
        Assert.DoesNotContain($"route=\"{cluster}\",instance=\"b\"", after, StringComparison.Ordinal);
        Assert.DoesNotContain($"cluster=\"{cluster}\",instance=\"b\"", after, StringComparison.Ordinal);
        Assert.Contains($"coord_proxy_instance_healthy{{cluster=\"{cluster}\",instance=\"c\"}} 1", after);
        Assert.True(Value(after, $"coord_proxy_requests_total{{route=\"{cluster}\",instance=\"c\",status=\"200\"}}") > 0);
        Assert.Equal(unmatched + 2, Value(after, "coord_proxy_requests_total{route=\"\",instance=\"\",status=\"404\"}"));
    }

    [Fact]
    public async Task AccessLog_OneCombinedFormatLinePerRequest()
    {
        var cluster = $"log-{Guid.NewGuid():N}";
        await using var a = await Upstream.StartAsync("a");
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo, null, "--access-log", "true");
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, a);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a"]);

        await proxy.GetAsync($"/{cluster}/logged?q=1", request => request.Headers.UserAgent.ParseAdd("proxy-test/1.0"));

        var pattern = new Regex($"""^127\.0\.0\.1 - - \[\d\d/[A-Z][a-z]{"{2}"}/\d{"{4}"}:\d\d:\d\d:\d\d [+-]\d{"{4}"}\] "GET /{cluster}/logged\?q=1 HTTP/1\.1" 200 1 "-" "proxy-test/1\.0"$""");
        await Poll.UntilAsync(() => Task.FromResult(proxy.Output.Split('\n').Any(pattern.IsMatch)), TimeSpan.FromSeconds(30),
            () => $"an access log line like {pattern}\n{proxy.Output}");
    }

    private static async Task<string> MetricsAsync(ProxyProcess proxy)
    {
        using var response = await proxy.Admin.GetAsync("/metrics");
        Assert.True(response.IsSuccessStatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>
    /// The metrics once <paramref name="series"/> has reached <paramref name="expected"/> (within 5 s): a request is
    /// counted when its pipeline returns, which can be a moment after the client has the whole answer.
    /// </summary>
    private static async Task<string> MetricsOnceAsync(ProxyProcess proxy, string series, long expected)
    {
        var metrics = "";
        await Poll.UntilAsync(async () => Value(metrics = await MetricsAsync(proxy), series) >= expected, TimeSpan.FromSeconds(5),
            () => $"{series} is {Value(metrics, series)}, expected {expected}");
        return metrics;
    }

    private static long Value(string metrics, string series)
    {
        var line = metrics.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
