using System.Globalization;
using System.Text.Json.Nodes;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>
/// The words as ZooKeeper 3.8's AdminServer answers them: <c>GET /commands/&lt;name&gt;</c> on the HTTP port, a JSON
/// object with the command's figures under ZooKeeper's keys, its primary name in <c>command</c> and <c>error</c> null
/// (an unknown name: 200 with <c>"error": "Unknown command: …"</c>, as ZooKeeper). Names and aliases are ZooKeeper's
/// (<c>monitor</c>/<c>mntr</c>, <c>server_stats</c>/<c>srvr</c>, …). The figures are the words' own, so both agree.
/// </summary>
internal sealed partial class FourLetterWords
{
    /// <summary>The AdminServer's primary names, each with the word it answers as.</summary>
    private static readonly (string Name, string Word)[] AdminCommands =
    [
        ("configuration", "conf"), ("connection_stat_reset", "crst"), ("connections", "cons"), ("dirs", "dirs"),
        ("dump", "dump"), ("environment", "envi"), ("is_read_only", "isro"), ("monitor", "mntr"), ("ruok", "ruok"),
        ("server_stats", "srvr"), ("stat_reset", "srst"), ("stats", "stat"), ("watch_summary", "wchs"),
        ("watches", "wchc"), ("watches_by_path", "wchp"),
    ];

    /// <summary>Every name ZooKeeper's AdminServer accepts for these commands, mapped to the primary name.</summary>
    private static readonly Dictionary<string, string> AdminNames = BuildAdminNames();

    /// <summary>The primary names, as <c>GET /commands</c> lists them.</summary>
    public static IEnumerable<string> AdminCommandNames => AdminCommands.Select(c => c.Name);

    /// <summary>The JSON answer to <c>/commands/<paramref name="name"/></c>.</summary>
    public async Task<JsonObject> AdminAnswerAsync(string name)
    {
        if (!AdminNames.TryGetValue(name, out var primary))
        {
            return new JsonObject { ["command"] = name, ["error"] = $"Unknown command: {name}" };
        }

        var answer = AdminCommands.First(c => c.Name == primary).Word switch
        {
            "ruok" => new JsonObject(),
            "mntr" => FromPairs(MonitorFigures(await NodeCountAsync(), await census.ReadAsync())),
            "srvr" => ServerStats(await NodeCountAsync()),
            "stat" => WithConnections(ServerStats(await NodeCountAsync())),
            "cons" => WithConnections(new JsonObject()),
            "envi" => FromPairs(EnvironmentEntries().Select(e => (e.Key, (object)Convert.ToString(e.Value, CultureInfo.InvariantCulture)!))),
            "conf" => FromPairs(ConfigurationEntries().Where(e => e.AdminKey is not null).Select(e => (e.AdminKey!, e.Value))),
            "dirs" => new JsonObject { ["datadir_size"] = 0, ["logdir_size"] = 0 },
            "isro" => new JsonObject { ["read_only"] = false },
            "crst" => Reset(ResetConnections),
            "srst" => Reset(ResetServer),
            "wchs" => await WatchSummaryJsonAsync(),
            "wchc" => await WatchesJsonAsync(byPath: false),
            "wchp" => await WatchesJsonAsync(byPath: true),
            "dump" => await DumpJsonAsync(),
            _ => new JsonObject(),
        };
        answer["command"] = primary;
        answer["error"] = null;
        return answer;
    }

    private static Dictionary<string, string> BuildAdminNames()
    {
        var names = AdminCommands.ToDictionary(c => c.Name, c => c.Name, StringComparer.Ordinal);
        foreach (var (name, word) in AdminCommands) names[word] = name;
        names["config"] = "configuration";
        names["env"] = "environment";
        return names;
    }

    private static JsonObject Reset(Func<string> reset)
    {
        reset();
        return new JsonObject();
    }

    private static JsonObject FromPairs(IEnumerable<(string Key, object Value)> pairs)
    {
        var json = new JsonObject();
        foreach (var (key, value) in pairs)
        {
            json[key] = value switch
            {
                string text => JsonValue.Create(text),
                double number => JsonValue.Create(number),
                IConvertible number => JsonValue.Create(number.ToInt64(CultureInfo.InvariantCulture)),
                _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
            };
        }

        return json;
    }

    /// <summary>srvr: ZooKeeper's keys for what the grid counts; the file sizes are 0 as in <c>dirs</c> (no files of its own).</summary>
    private JsonObject ServerStats(long nodes)
    {
        var (min, avg, max) = stats.Latency;
        return new JsonObject
        {
            ["version"] = $"{Version}, built on {stats.Started:yyyy-MM-dd}",
            ["read_only"] = false,
            ["server_stats"] = new JsonObject
            {
                ["packets_sent"] = stats.Sent,
                ["packets_received"] = stats.Received,
                ["data_dir_size"] = 0,
                ["log_dir_size"] = 0,
                ["server_state"] = "standalone",
                ["last_processed_zxid"] = 0,
                ["outstanding_requests"] = stats.Outstanding,
                ["avg_latency"] = Math.Round(avg, 4),
                ["max_latency"] = max,
                ["min_latency"] = min,
                ["num_alive_client_connections"] = stats.Connections.Count,
                ["uptime"] = (long)(DateTimeOffset.UtcNow - stats.Started).TotalMilliseconds,
            },
            ["node_count"] = nodes,
        };
    }

    /// <summary>cons: one object per connection under ZooKeeper's keys (an HTTP asker is no connection, so not listed).</summary>
    private JsonObject WithConnections(JsonObject answer)
    {
        var connections = new JsonArray();
        foreach (var c in stats.Connections.Keys)
        {
            var f = c.Figures.Read();
            connections.Add(new JsonObject
            {
                ["remote_socket_address"] = c.Remote,
                ["interest_ops"] = 1,
                ["outstanding_requests"] = c.Outstanding,
                ["packets_received"] = c.Received,
                ["packets_sent"] = c.Sent,
                ["session_id"] = c.SessionId,
                ["last_operation"] = f.LastOperation,
                ["established"] = c.Figures.EstablishedMs,
                ["session_timeout"] = c.TimeoutMs,
                ["last_cxid"] = f.LastCxid,
                ["last_zxid"] = f.LastZxid,
                ["last_response_time"] = f.LastResponseMs,
                ["last_latency"] = f.LastLatency,
                ["min_latency"] = f.MinLatency,
                ["avg_latency"] = f.AvgLatency,
                ["max_latency"] = f.MaxLatency,
            });
        }

        answer["connections"] = connections;
        answer["secure_connections"] = new JsonArray();
        return answer;
    }

    private async Task<JsonObject> WatchSummaryJsonAsync()
    {
        var pairs = (await AllWatchesAsync()).Select(w => (w.Session, w.Path)).Distinct().ToList();
        return new JsonObject
        {
            ["num_connections"] = pairs.Select(p => p.Session).Distinct().Count(),
            ["num_paths"] = pairs.Select(p => p.Path).Distinct().Count(),
            ["num_total_watches"] = pairs.Count,
        };
    }

    /// <summary>wchc as <c>session_id_to_watched_paths</c> (decimal ids as keys), wchp as <c>path_to_session_ids</c>.</summary>
    private async Task<JsonObject> WatchesJsonAsync(bool byPath)
    {
        var pairs = (await AllWatchesAsync()).Select(w => (w.Session, w.Path)).Distinct().ToList();
        var map = new JsonObject();
        if (byPath)
        {
            foreach (var group in pairs.GroupBy(p => p.Path)) map[group.Key] = new JsonArray([.. group.Select(p => JsonValue.Create(p.Session))]);
            return new JsonObject { ["path_to_session_ids"] = map };
        }

        foreach (var group in pairs.GroupBy(p => p.Session))
        {
            map[group.Key.ToString(CultureInfo.InvariantCulture)] = new JsonArray([.. group.Select(p => JsonValue.Create(p.Path))]);
        }

        return new JsonObject { ["session_id_to_watched_paths"] = map };
    }

    /// <summary>dump: expiry times (milliseconds since the epoch) to session ids, and session ids to their ephemerals.</summary>
    private async Task<JsonObject> DumpJsonAsync()
    {
        var (sessions, owning) = await SessionsAndEphemeralsAsync();
        var expiries = new JsonObject();
        foreach (var group in sessions.GroupBy(s => new DateTimeOffset(s.Expires).ToUnixTimeMilliseconds()))
        {
            expiries[group.Key.ToString(CultureInfo.InvariantCulture)] = new JsonArray([.. group.Select(s => JsonValue.Create(s.Id))]);
        }

        var ephemerals = new JsonObject();
        foreach (var (id, paths) in owning)
        {
            ephemerals[id.ToString(CultureInfo.InvariantCulture)] = new JsonArray([.. paths.Select(p => JsonValue.Create(p))]);
        }

        return new JsonObject { ["expiry_time_to_session_ids"] = expiries, ["session_id_to_ephemeral_paths"] = ephemerals };
    }
}
