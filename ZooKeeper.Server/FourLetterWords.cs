using OrleansCoord.ZNodes;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>
/// ZooKeeper's four-letter words for monitoring tools, sent instead of a connect packet: ruok, srvr, stat, mntr,
/// cons, envi, conf, wchs, wchc, wchp, dump, crst, srst, isro, dirs, in ZooKeeper 3.8's formats, each only when the
/// whitelist enables it. The answer is plain text, then the connection closes. Figures are this silo's endpoint's.
/// </summary>
internal sealed partial class FourLetterWords(
    ZkServerStats stats, IGrainFactory grains, OrleansCoord.Grains.Identities.CallerCredentials credentials,
    OrleansCoord.Grains.Sessions.SessionCensus census, FourLetterWordWhitelist whitelist, int clientPort, int secureClientPort, string dataDir)
{
    public const string Version = "3.8.0-orleanscoord";

    private static readonly TimeSpan CountReuse = TimeSpan.FromSeconds(10);
    private readonly Lock _countLock = new();
    private Task<long>? _count;
    private long _countStartedMs;

    /// <summary>A word ZooKeeper knows: answered (or refused by the whitelist); anything else is read as a packet length.</summary>
    public static bool IsKnown(string word) => FourLetterWordWhitelist.Known.Contains(word);

    /// <summary>The answer to <paramref name="word"/>, asked from <paramref name="asker"/> (host:port; cons lists it too).</summary>
    public async Task<string> AnswerAsync(string word, string asker)
    {
        if (!whitelist.IsEnabled(word)) return FourLetterWordWhitelist.Refusal(word);
        return word switch
        {
            "ruok" => "imok",
            "srvr" => Server(await NodeCountAsync()),
            "stat" => Status(await NodeCountAsync(), asker),
            "mntr" => Monitor(await NodeCountAsync(), await census.ReadAsync()),
            "cons" => Connections(asker) + "\n",
            "envi" => Environment(),
            "conf" => Configuration(),
            "dirs" => "datadir_size: 0\nlogdir_size: 0\n",
            "isro" => "rw",
            "crst" => ResetConnections(),
            "srst" => ResetServer(),
            "wchs" => await WatchSummaryAsync(),
            "wchc" => await WatchesAsync(byPath: false),
            "wchp" => await WatchesAsync(byPath: true),
            "dump" => await DumpAsync(),
            _ => "",
        };
    }

    private string ResetConnections()
    {
        foreach (var connection in stats.Connections.Keys) connection.Figures.Reset();
        return "Connection stats reset.\n";
    }

    private string ResetServer()
    {
        stats.Reset();
        return "Server stats reset.\n";
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
                : counted.Result < 0 || System.Environment.TickCount64 - _countStartedMs > (long)CountReuse.TotalMilliseconds;
            if (stale)
            {
                _countStartedMs = System.Environment.TickCount64;
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
