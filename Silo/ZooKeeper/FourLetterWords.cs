using System.Globalization;
using System.Text;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Silo.ZooKeeper;

/// <summary>
/// ZooKeeper's four-letter words for monitoring tools, sent instead of a connect packet: ruok, srvr, stat, mntr,
/// cons. The answer is plain text, then the connection closes. Figures are this silo's endpoint's.
/// </summary>
internal sealed class FourLetterWords(ZkServerStats stats, IGrainFactory grains)
{
    public const string Version = "3.8.0-orleanscoord";

    private static readonly TimeSpan CountReuse = TimeSpan.FromSeconds(10);
    private readonly Lock _countLock = new();
    private Task<long>? _count;
    private long _countStartedMs;

    public static bool IsKnown(string word) => word is "ruok" or "srvr" or "stat" or "mntr" or "cons";

    public async Task<string> AnswerAsync(string word) => word switch
    {
        "ruok" => "imok",
        "srvr" => Server(await NodeCountAsync()),
        "stat" => Status(await NodeCountAsync()),
        "mntr" => Monitor(await NodeCountAsync()),
        "cons" => Connections() + "\n",
        _ => "",
    };

    private string Server(long nodes)
    {
        var (min, avg, max) = stats.Latency;
        return string.Create(CultureInfo.InvariantCulture,
            $"Zookeeper version: {Version}, built on {stats.Started:yyyy-MM-dd}\nLatency min/avg/max: {min}/{avg:0.####}/{max}\nReceived: {stats.Received}\nSent: {stats.Sent}\nConnections: {stats.Connections.Count}\nOutstanding: {stats.Outstanding}\nZxid: 0x0\nMode: standalone\nNode count: {nodes}\n");
    }

    private string Status(long nodes)
    {
        var text = Server(nodes);
        var firstLine = text.IndexOf('\n') + 1;
        return text[..firstLine] + "Clients:\n" + Connections() + "\n" + text[firstLine..];
    }

    private string Monitor(long nodes)
    {
        var (min, avg, max) = stats.Latency;
        var lines = new (string, object)[]
        {
            ("zk_version", Version), ("zk_server_state", "standalone"),
            ("zk_avg_latency", Math.Round(avg, 4)), ("zk_max_latency", max), ("zk_min_latency", min),
            ("zk_packets_received", stats.Received), ("zk_packets_sent", stats.Sent),
            ("zk_num_alive_connections", stats.Connections.Count), ("zk_outstanding_requests", stats.Outstanding),
            ("zk_znode_count", nodes), ("zk_watch_count", stats.Connections.Keys.Sum(c => c.WatchCount)),
        };
        var text = new StringBuilder();
        foreach (var (key, value) in lines) text.Append(CultureInfo.InvariantCulture, $"{key}\t{value}\n");
        return text.ToString();
    }

    private string Connections()
    {
        var text = new StringBuilder();
        foreach (var connection in stats.Connections.Keys)
        {
            text.Append(CultureInfo.InvariantCulture,
                $" /{connection.Remote}[1](queued={connection.Outstanding},recved={connection.Received},sent={connection.Sent},sid=0x{connection.SessionId:x},to={connection.TimeoutMs})\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// Znodes in the grid, /zookeeper included; -1 when the grid does not answer in time. Counting lists every key of
    /// the tree and monitoring tools poll every few seconds, so a count serves every asker for <see cref="CountReuse"/>
    /// (concurrent askers share one count in progress); a failed count is not reused.
    /// </summary>
    private Task<long> NodeCountAsync()
    {
        lock (_countLock)
        {
            var stale = _count is not { IsCompleted: true } counted
                ? _count is null
                : counted.Result < 0 || Environment.TickCount64 - _countStartedMs > (long)CountReuse.TotalMilliseconds;
            if (stale)
            {
                _countStartedMs = Environment.TickCount64;
                _count = CountNodesAsync();
            }

            return _count!;
        }
    }

    private async Task<long> CountNodesAsync()
    {
        try
        {
            return await grains.GetGrain<IZNodeGrain>(ZNodePath.Root).GetAllChildrenNumber().WaitAsync(TimeSpan.FromSeconds(5)) + 1;
        }
        catch (Exception)
        {
            return -1;
        }
    }
}
