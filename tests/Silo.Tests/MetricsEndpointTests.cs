using OrleansCoord.Errors;
using static OrleansCoord.Silo.Tests.GridConnect;

namespace OrleansCoord.Silo.Tests;

/// <summary><c>/metrics</c> on the silo's HTTP port (issue 23, item 5): Prometheus text with Orleans' meters and the grid's.</summary>
public sealed class MetricsEndpointTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Scrape_AfterGridRequests_ShowsThemByOperationAndOutcome_WithOrleansMeters()
    {
        var clusterId = $"metrics-{Guid.NewGuid():N}";
        await using var silo = await SiloProcess.StartHealthyAsync(clusterId, "--storage", "Memory", "--dashboard", "off");
        await using (var client = await ToAsync(silo, clusterId))
        {
            await client.CreateAsync("/metered", Utf8("x"), cancellationToken: Ct);
            // A typed error is an outcome of its own.
            await Assert.ThrowsAsync<CoordException>(() => client.CreateAsync("/metered", Utf8("again"), cancellationToken: Ct));
        }

        // The exporter caches a scrape briefly: poll until the calls above are in one.
        string text = "";
        await Poll.UntilAsync(async () =>
        {
            using var response = await Http.GetAsync(new Uri(silo.HttpBase, "metrics"), Ct);
            text = await response.Content.ReadAsStringAsync(Ct);
            return response.IsSuccessStatusCode && text.Contains("outcome=\"NodeExists\"", StringComparison.Ordinal)
                && text.Split('\n').Any(line => line.StartsWith("coord_sessions_ended_total{", StringComparison.Ordinal)
                    && line.Contains("reason=\"closed\"", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(30), () => $"a scrape counting the NodeExists create and the closed session:\n{text}");

        Assert.Contains("coord_grid_requests_total{", text);
        Assert.Contains("outcome=\"ok\"", text);
        // The SDK's calls come through the gateway: the grid sees an Orleans client, not its own ZooKeeper server.
        Assert.Equal(1, PrometheusText.Sum(text, "coord_grid_requests_total", ("origin", "client"), ("operation", "IZNodeGrain.CreateChild"), ("outcome", "NodeExists")));
        Assert.Null(PrometheusText.Sum(text, "coord_requests_total", ("front_end", "zookeeper")));
        Assert.Contains("coord_grid_request_duration_seconds_bucket{", text);
        Assert.Contains("\norleans_", text); // Orleans' own meter
        Assert.Contains("coord_sessions_opened_total", text);
    }

    [Fact]
    public async Task Scrape_OnPostgres_ShowsStoreCommitLatencyAndGroupSizes()
    {
        await using var postgres = await TestPostgres.StartAsync();
        var clusterId = $"metrics-pg-{Guid.NewGuid():N}";
        await using var silo = await SiloProcess.StartHealthyAsync(clusterId, "--storage", "Postgres", "--connection-string", postgres.ConnectionString, "--dashboard", "off");
        const int Creates = 10;
        await using (var client = await ToAsync(silo, clusterId))
        {
            for (var i = 0; i < Creates; i++) await client.CreateAsync($"/pg-metered-{i}", Utf8("x"), cancellationToken: Ct);
        }

        var text = await ZooKeeper.ZkMetricsTests.ScrapeUntilAsync(silo,
            t => PrometheusText.Sum(t, "coord_store_commit_duration_seconds_count", ("store", "Postgres"), ("outcome", "ok")) >= Creates,
            "the creates' commits on PostgreSQL");
        Assert.True(PrometheusText.Sum(text, "coord_store_commit_duration_seconds_sum", ("store", "Postgres")) > 0);
        Assert.True(PrometheusText.Sum(text, "coord_store_commit_batch_size_count", ("store", "Postgres")) >= 1);
        Assert.Null(PrometheusText.Sum(text, "coord_store_commit_duration_seconds_count", ("store", "Memory")));
    }

    [Fact]
    public async Task Scrape_LockHeldAndAwaited_ShowsOneHolderAndOneWaiter_NoneOnceReleased()
    {
        var clusterId = $"metrics-lock-{Guid.NewGuid():N}";
        await using var silo = await SiloProcess.StartHealthyAsync(clusterId, "--storage", "Memory", "--dashboard", "off");
        await using var holder = await ToAsync(silo, clusterId);
        await using var waiter = await ToAsync(silo, clusterId);
        var held = await holder.Locks.AcquireAsync("metered", TimeSpan.FromSeconds(30), cancellationToken: Ct);
        var waiting = waiter.Locks.AcquireAsync("metered", TimeSpan.FromSeconds(60), cancellationToken: Ct);

        await ZooKeeper.ZkMetricsTests.ScrapeUntilAsync(silo,
            t => PrometheusText.Sum(t, "coord_recipe_holds", ("kind", "Lock")) == 1 && PrometheusText.Sum(t, "coord_recipe_waiters", ("kind", "Lock")) == 1,
            "one holder and one waiter of the lock");

        await held.DisposeAsync();
        await (await waiting).DisposeAsync();
        await ZooKeeper.ZkMetricsTests.ScrapeUntilAsync(silo,
            t => PrometheusText.Sum(t, "coord_recipe_holds", ("kind", "Lock")) == 0 && PrometheusText.Sum(t, "coord_recipe_waiters", ("kind", "Lock")) == 0,
            "nobody holding or waiting once both released");
    }
}
