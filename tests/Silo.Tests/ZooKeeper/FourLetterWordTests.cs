using System.Net.Sockets;
using System.Text;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>The four-letter words monitoring tools send to ZooKeeper's port.</summary>
[Collection(nameof(ZkSiloCollection))]
public sealed class FourLetterWordTests(ZkSiloFixture grid)
{
    [Fact]
    public async Task FourLetterWords_AnswerInZooKeepersFormat()
    {
        await using var session = await RawZkConnection.ConnectAsync(grid.ZkPort);

        Assert.Equal("imok", await AskAsync("ruok"));
        var srvr = await AskAsync("srvr");
        Assert.StartsWith("Zookeeper version: ", srvr);
        Assert.Contains("\nMode: standalone\n", srvr);
        Assert.Matches(@"\nConnections: [1-9]\d*\n", srvr);
        Assert.Matches(@"\nNode count: [1-9]\d*\n", srvr);

        var stat = await AskAsync("stat");
        Assert.Contains("Clients:\n", stat);
        Assert.Contains($"sid=0x{session.SessionId:x}", stat);

        var mntr = await AskAsync("mntr").ContinueWith(t => t.Result.Split('\n').Where(l => l.Length > 0).ToDictionary(l => l.Split('\t')[0], l => l.Split('\t')[1]));
        Assert.Equal("standalone", mntr["zk_server_state"]);
        Assert.True(int.Parse(mntr["zk_num_alive_connections"]) >= 1);
        Assert.True(long.Parse(mntr["zk_packets_received"]) >= 0);

        Assert.Contains($"sid=0x{session.SessionId:x}", await AskAsync("cons"));
    }

    private async Task<string> AskAsync(string word)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", grid.ZkPort, TestContext.Current.CancellationToken);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(word), TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer, timeout.Token);
        return Encoding.ASCII.GetString(answer.ToArray());
    }
}
