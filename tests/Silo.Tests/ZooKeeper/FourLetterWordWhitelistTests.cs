namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>The whitelist of four-letter words (ZooKeeper's 4lw.commands.whitelist): by default srvr alone.</summary>
public sealed class FourLetterWordWhitelistTests
{
    [Fact]
    public async Task DefaultWhitelist_AnswersSrvr_RefusesTheOthersAsZooKeeperDoes()
    {
        await using var silo = await SiloProcess.StartHealthyAsync($"zk-4lw-{Guid.NewGuid():N}"[..20], "--storage", "Memory");
        Assert.StartsWith("Zookeeper version: ", await FourLetterWordTests.AskAsync(silo.Ports.ZooKeeper, "srvr"));
        Assert.Equal("ruok is not executed because it is not in the whitelist.\n", await FourLetterWordTests.AskAsync(silo.Ports.ZooKeeper, "ruok"));
        Assert.Equal("envi is not executed because it is not in the whitelist.\n", await FourLetterWordTests.AskAsync(silo.Ports.ZooKeeper, "envi"));
    }

    [Fact]
    public async Task ListedWords_AreAnswered_SrvrAlways()
    {
        await using var silo = await SiloProcess.StartHealthyAsync($"zk-4lw-{Guid.NewGuid():N}"[..20], "--storage", "Memory", "--4lw-whitelist", "ruok, isro");
        Assert.Equal("imok", await FourLetterWordTests.AskAsync(silo.Ports.ZooKeeper, "ruok"));
        Assert.Equal("rw", await FourLetterWordTests.AskAsync(silo.Ports.ZooKeeper, "isro"));
        Assert.StartsWith("Zookeeper version: ", await FourLetterWordTests.AskAsync(silo.Ports.ZooKeeper, "srvr"));
        Assert.Equal("mntr is not executed because it is not in the whitelist.\n", await FourLetterWordTests.AskAsync(silo.Ports.ZooKeeper, "mntr"));
    }
}
