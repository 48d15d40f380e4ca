using System.Net.Sockets;
using System.Text;
using static OrleansCoord.Silo.Tests.ZooKeeper.RawZkConnection;
using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>The four-letter words monitoring tools send to ZooKeeper's port (all enabled on this fixture's silo).</summary>
[Collection(nameof(ZkSiloCollection))]
public sealed class FourLetterWordTests(ZkSiloFixture grid)
{
    [Fact]
    public async Task FourLetterWords_AnswerInZooKeepersFormat()
    {
        await using var session = await ConnectAsync(grid.ZkPort);

        Assert.Equal("imok", await AskAsync(grid.ZkPort, "ruok"));
        var srvr = await AskAsync(grid.ZkPort, "srvr");
        Assert.StartsWith("Zookeeper version: ", srvr);
        Assert.Contains("\nMode: standalone\n", srvr);
        Assert.Matches(@"\nConnections: [1-9]\d*\n", srvr);
        Assert.Matches(@"\nNode count: [1-9]\d*\n", srvr);

        var stat = await AskAsync(grid.ZkPort, "stat");
        Assert.Contains("Clients:\n", stat);
        Assert.Contains($"sid=0x{session.SessionId:x}", stat);

        var mntr = await AskAsync(grid.ZkPort, "mntr").ContinueWith(t => t.Result.Split('\n').Where(l => l.Length > 0).ToDictionary(l => l.Split('\t')[0], l => l.Split('\t')[1]));
        Assert.Equal("standalone", mntr["zk_server_state"]);
        Assert.True(int.Parse(mntr["zk_num_alive_connections"]) >= 1);
        Assert.True(long.Parse(mntr["zk_packets_received"]) >= 0);
        Assert.True(long.Parse(mntr["zk_uptime"]) > 0);
        Assert.InRange(long.Parse(mntr["zk_open_file_descriptor_count"]), 3, long.Parse(mntr["zk_max_file_descriptor_count"]));
    }

    [Fact]
    public async Task Cons_ListsEachConnectionAsZooKeeperDoes_TheAskerIncluded()
    {
        await using var session = await ConnectAsync(grid.ZkPort);
        Assert.Equal(Err.Ok, (await session.CallAsync(Op.Exists, PathWatch("/"))).Err);

        var cons = await AskAsync(grid.ZkPort, "cons");
        Assert.EndsWith("\n\n", cons);
        Assert.Matches($@"(?m)^ /127\.0\.0\.1:\d+\[1\]\(queued=0,recved=\d+,sent=\d+,sid=0x{session.SessionId:x},lop=EXIS,est=\d+,to=\d+,lcxid=0x1,lzxid=0x[0-9a-f]+,lresp=\d+,llat=\d+,minlat=\d+,avglat=\d+,maxlat=\d+\)$", cons);
        Assert.Matches(@"(?m)^ /127\.0\.0\.1:\d+\[0\]\(queued=0,recved=1,sent=0\)$", cons);

        Assert.Equal("Connection stats reset.\n", await AskAsync(grid.ZkPort, "crst"));
        Assert.Matches($@"sid=0x{session.SessionId:x},lop=NA,est=\d+,to=\d+,lzxid=0xffffffffffffffff,", await AskAsync(grid.ZkPort, "cons"));
    }

    [Fact]
    public async Task WordsBesidesTheFirstFive_AnswerInZooKeeper38Formats()
    {
        var root = $"/4lw-{Guid.NewGuid():N}";
        await using var session = await ConnectAsync(grid.ZkPort);
        Assert.Equal(Err.Ok, (await session.CallAsync(Op.Create, Create(root, "x", flags: 1))).Err);
        Assert.Equal(Err.Ok, (await session.CallAsync(Op.GetData, PathWatch(root, watch: true))).Err);
        var sid = $"0x{session.SessionId:x}";

        var envi = await AskAsync(grid.ZkPort, "envi");
        Assert.StartsWith("Environment:\nzookeeper.version=3.8.0", envi);
        Assert.Contains("\nos.name=", envi);
        Assert.Contains($"clientPort={grid.ZkPort}\n", await AskAsync(grid.ZkPort, "conf"));
        Assert.Equal("datadir_size: 0\nlogdir_size: 0\n", await AskAsync(grid.ZkPort, "dirs"));
        Assert.Equal("rw", await AskAsync(grid.ZkPort, "isro"));
        Assert.Matches(@"^\d+ connections watching \d+ paths\nTotal watches:\d+\n$", await AskAsync(grid.ZkPort, "wchs"));
        Assert.Contains($"{sid}\n\t{root}\n", await AskAsync(grid.ZkPort, "wchc"));
        Assert.Contains($"{root}\n\t{sid}\n", await AskAsync(grid.ZkPort, "wchp"));
        var dump = await AskAsync(grid.ZkPort, "dump");
        Assert.StartsWith("SessionTracker dump:\nSession Sets (", dump);
        Assert.Contains($"\n{sid}:\n\t{root}\n", dump);
        Assert.EndsWith("Connections dump:\n", dump);
        Assert.Equal("Server stats reset.\n", await AskAsync(grid.ZkPort, "srst"));
    }

    [Fact]
    public async Task ClientHalfClosesRightAfterSending_StillGetsTheAnswer()
    {
        // nc -N and ncat end their sending side at once; the answer must still come.
        Assert.Equal("imok", await AskAsync(grid.ZkPort, "ruok", halfClose: true));
        Assert.EndsWith("\n\n", await AskAsync(grid.ZkPort, "cons", halfClose: true));
    }

    internal static async Task<string> AskAsync(int port, string word, bool halfClose = false)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port, TestContext.Current.CancellationToken);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(word), TestContext.Current.CancellationToken);
        if (halfClose) tcp.Client.Shutdown(SocketShutdown.Send);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer, timeout.Token);
        return Encoding.UTF8.GetString(answer.ToArray());
    }
}
