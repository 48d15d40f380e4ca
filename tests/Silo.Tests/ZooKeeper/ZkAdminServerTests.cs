using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using static OrleansCoord.Silo.Tests.ZooKeeper.RawZkConnection;
using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// ZooKeeper's AdminServer commands on the silo's HTTP port (<c>/commands/&lt;name&gt;</c>), checked against what a wire
/// session holds: its connection, watch and ephemeral, under ZooKeeper 3.8's JSON keys and names.
/// </summary>
[Collection(nameof(ZkSiloCollection))]
public sealed class ZkAdminServerTests(ZkSiloFixture grid)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Commands_DescribeTheWireSessions_AsZooKeepersAdminServer()
    {
        var root = $"/admin-{Guid.NewGuid():N}";
        await using var session = await ConnectAsync(grid.ZkPort);
        Assert.Equal(Err.Ok, (await session.CallAsync(Op.Create, Create(root, "x", flags: 1))).Err);
        Assert.Equal(Err.Ok, (await session.CallAsync(Op.GetData, PathWatch(root, watch: true))).Err);
        var sid = session.SessionId.ToString(CultureInfo.InvariantCulture);

        var list = await Http.GetStringAsync(Url("/commands"), Ct);
        Assert.Contains("<a href=\"/commands/monitor\">monitor</a>", list);

        // An alias answers under the primary name, as ZooKeeper's does.
        var monitor = await CommandAsync("mntr");
        Assert.Equal("monitor", (string?)monitor["command"]);
        Assert.Null(monitor["error"]);
        Assert.Equal("standalone", (string?)monitor["server_state"]);
        Assert.True((int)monitor["num_alive_connections"]! >= 1);
        Assert.True((long)monitor["znode_count"]! >= 2);
        Assert.True((int)monitor["watch_count"]! >= 1);

        var connections = (await CommandAsync("connections"))["connections"]!.AsArray();
        var mine = Assert.Single(connections, c => (long)c!["session_id"]! == session.SessionId)!;
        Assert.Equal("GETD", (string?)mine["last_operation"]);
        Assert.True((long)mine["packets_received"]! >= 2);

        Assert.Contains(root, Strings((await CommandAsync("watches"))["session_id_to_watched_paths"]![sid]));
        Assert.Contains(session.SessionId, Longs((await CommandAsync("watches_by_path"))["path_to_session_ids"]![root]));
        Assert.Equal([root], Strings((await CommandAsync("dump"))["session_id_to_ephemeral_paths"]![sid]));
        Assert.True((int)(await CommandAsync("wchs"))["num_total_watches"]! >= 1);

        var stats = await CommandAsync("stat");
        Assert.Equal("stats", (string?)stats["command"]);
        Assert.True((long)stats["server_stats"]!["packets_received"]! >= 2);
        Assert.Contains(stats["connections"]!.AsArray(), c => (long)c!["session_id"]! == session.SessionId);

        Assert.Equal(grid.ZkPort, (int)(await CommandAsync("configuration"))["client_port"]!);
        Assert.Equal("imok", await FourLetterWordTests.AskAsync(grid.ZkPort, "ruok"));
        Assert.Null((await CommandAsync("ruok"))["error"]);

        // crst through HTTP resets what the word cons shows, as ZooKeeper's connection_stat_reset does.
        Assert.Null((await CommandAsync("connection_stat_reset"))["error"]);
        var reset = Assert.Single((await CommandAsync("cons"))["connections"]!.AsArray(), c => (long)c!["session_id"]! == session.SessionId)!;
        Assert.Equal("NA", (string?)reset["last_operation"]);
    }

    [Fact]
    public async Task UnknownCommandOrMethod_IsRefusedAsByZooKeeper_AndNothingElseChanges()
    {
        var unknown = await CommandAsync("MNTR"); // names are case-sensitive in ZooKeeper too
        Assert.Equal("MNTR", (string?)unknown["command"]);
        Assert.Equal("Unknown command: MNTR", (string?)unknown["error"]);

        using var post = await Http.PostAsync(Url("/commands/stat_reset"), new StringContent(""), Ct);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Null((await CommandAsync("ruok"))["error"]);
    }

    private async Task<JsonObject> CommandAsync(string name)
    {
        using var response = await Http.GetAsync(Url($"/commands/{name}"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
    }

    private Uri Url(string path) => new(grid.Silo.HttpBase, path);

    private static IEnumerable<string> Strings(JsonNode? array) => array!.AsArray().Select(n => (string)n!);

    private static IEnumerable<long> Longs(JsonNode? array) => array!.AsArray().Select(n => (long)n!);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
