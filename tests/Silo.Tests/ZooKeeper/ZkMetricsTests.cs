using System.Diagnostics;
using static OrleansCoord.Silo.Tests.PrometheusText;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// The ZooKeeper port's figures on <c>/metrics</c> and in <c>mntr</c> (issue 23, item 5), after known operations by
/// kazoo against a silo process of the test's own (so every count is the test's).
/// </summary>
public sealed class ZkMetricsTests
{
    private const int Count = 20;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task KazooOperations_AreCountedByOperationAndOutcome_WatchesAndEphemeralsMove_MntrAgrees()
    {
        ExternalTool.Require(ExternalTool.Python, "python3-kazoo");
        await using var silo = await SiloProcess.StartHealthyAsync($"zkmetrics-{Guid.NewGuid():N}", "--storage", "Memory", "--dashboard", "off", "--4lw-whitelist", "mntr");
        using var kazoo = Process.Start(ExternalTool.StartInfo(ExternalTool.Python, KazooTests.Script("metered.py"),
            $"127.0.0.1:{silo.Ports.ZooKeeper}", "/metered", $"{Count}"))!;
        var stderr = kazoo.StandardError.ReadToEndAsync();
        try
        {
            Assert.Equal("ready", await ExternalTool.ReadLineAsync(kazoo, stderr, TimeSpan.FromSeconds(120)));

            // creates: the root, Count children, the znode that fires the watch, the ephemeral.
            var text = await ScrapeUntilAsync(silo, t => Zk(t, "create", "ok") == Count + 3 && Zk(t, "getData", "ok") == Count
                && Zk(t, "getData", "NoNode") == 1 && Zk(t, "exists", "NoNode") == 2 && Sum(t, "coord_ephemerals") == 1,
                "the kazoo script's requests, and its ephemeral");
            Assert.Equal(Count + 3, Sum(text, "coord_request_duration_seconds_count", ("front_end", "zookeeper"), ("operation", "create")));
            Assert.True(Sum(text, "coord_request_duration_seconds_sum", ("front_end", "zookeeper"), ("operation", "create")) > 0);
            // The grid saw those creates come from the silo's own ZooKeeper server, not from an Orleans client.
            Assert.Equal(Count + 3, Sum(text, "coord_grid_requests_total", ("origin", "silo"), ("operation", "IZNodeGrain.CreateChild"), ("outcome", "ok")));
            Assert.Null(Sum(text, "coord_grid_requests_total", ("origin", "client")));
            // One watch fired and delivered; one left in place.
            Assert.Equal(1, Sum(text, "coord_watch_events_delivered_total", ("front_end", "zookeeper")));
            Assert.True(Sum(text, "coord_watch_events_sent_total") >= 1, "the watch shard's push of the event to the silo's ZooKeeper server");
            Assert.Equal(1, Sum(text, "coord_zookeeper_watches"));
            Assert.Equal(1, Sum(text, "coord_zookeeper_connections"));
            // From the same store count as coord_ephemerals in this scrape (SessionCensusTests).
            Assert.Equal(1, Sum(text, "coord_sessions_open"));
            Assert.True(Sum(text, "coord_store_commit_duration_seconds_count", ("store", "Memory"), ("outcome", "ok")) >= Count + 3);
            Assert.True(Sum(text, "coord_store_commit_batch_size_count", ("store", "Memory")) >= Count + 3);

            var mntr = await FourLetterWordTests.AskAsync(silo.Ports.ZooKeeper, "mntr");
            Assert.Contains("zk_watch_count\t1\n", mntr);
            Assert.Contains("zk_ephemerals_count\t1\n", mntr);
            // mntr's packet count and the scrape's come from one counter: the scrape (taken before) cannot show more.
            Assert.True(Sum(text, "coord_zookeeper_packets_received_total") <= MntrFigure(mntr, "zk_packets_received"), mntr);

            await kazoo.StandardInput.WriteLineAsync();
            Assert.Equal("closed", await ExternalTool.ReadLineAsync(kazoo, stderr, TimeSpan.FromSeconds(60)));

            // The session closed: its ephemeral and its watch are gone, in the scrape and in mntr alike.
            await ScrapeUntilAsync(silo, t => Sum(t, "coord_ephemerals") == 0 && Sum(t, "coord_zookeeper_watches") == 0
                && Sum(t, "coord_sessions_open") == 0 && Zk(t, "closeSession", "ok") == 1, "the closed session's ephemeral gone");
            mntr = await FourLetterWordTests.AskAsync(silo.Ports.ZooKeeper, "mntr");
            Assert.Contains("zk_watch_count\t0\n", mntr);
            Assert.Contains("zk_ephemerals_count\t0\n", mntr);
        }
        finally
        {
            if (!kazoo.HasExited) kazoo.Kill(entireProcessTree: true);
        }
    }

    private static double? Zk(string text, string operation, string outcome) =>
        Sum(text, "coord_requests_total", ("front_end", "zookeeper"), ("operation", operation), ("outcome", outcome));

    private static long MntrFigure(string mntr, string key) =>
        long.Parse(mntr.Split('\n').Single(line => line.StartsWith(key + "\t", StringComparison.Ordinal))[(key.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Scrapes until <paramref name="done"/> holds (the exporter and the store census reuse figures briefly).</summary>
    internal static async Task<string> ScrapeUntilAsync(SiloProcess silo, Func<string, bool> done, string what)
    {
        var text = "";
        await Poll.UntilAsync(async () => done(text = await ScrapeAsync(Http, silo)), TimeSpan.FromSeconds(30), () => $"a scrape showing {what}:\n{text}");
        return text;
    }
}
