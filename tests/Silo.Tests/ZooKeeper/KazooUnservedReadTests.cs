using System.Diagnostics;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// kazoo against a silo whose storage is down: a read the grid cannot serve closes the connection, so kazoo raises
/// ConnectionLoss (which its retry covers) instead of SystemZookeeperError, and its session survives the outage.
/// </summary>
public sealed class KazooUnservedReadTests
{
    [Fact]
    public async Task StorageDown_KazooReadGetsConnectionLoss_RetrySucceedsOnTheSameSession()
    {
        ExternalTool.Require(ExternalTool.Python, "python3-kazoo");
        var clusterId = $"zk-kunserved-{Guid.NewGuid():N}"[..20];
        await using var storage = new AzuriteProcess();
        await storage.StartAsync();
        await using var silo = await SiloProcess.StartHealthyAsync(clusterId, "--connection-string", storage.ConnectionString);

        // Nothing of the tree was read on this silo before the outage: the root's grain must load from storage.
        var path = $"/kazoo-unserved-{Guid.NewGuid():N}";
        using var kazoo = Process.Start(ExternalTool.StartInfo(ExternalTool.Python, KazooTests.Script("unserved.py"),
            $"127.0.0.1:{silo.Ports.ZooKeeper}", path))!;
        var stderr = kazoo.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            Assert.Equal("ready", await ReadLineAsync(kazoo, stderr));
            Assert.True(await storage.StopGracefullyAsync(TimeSpan.FromSeconds(20)), $"Azurite ignored SIGTERM:\n{storage.Output}");
            await kazoo.StandardInput.WriteLineAsync("stopped");
            await kazoo.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
            var raised = await ReadLineAsync(kazoo, stderr);
            Assert.True(raised == "ConnectionLoss", $"the read {raised}:\n{silo.Output}");

            await storage.StartAsync();
            await kazoo.StandardInput.WriteLineAsync("started");
            await kazoo.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
            Assert.Equal("ok", await ReadLineAsync(kazoo, stderr));
        }
        finally
        {
            if (!kazoo.HasExited) kazoo.Kill(entireProcessTree: true);
        }
    }

    private static Task<string> ReadLineAsync(Process process, Task<string> stderr) =>
        ExternalTool.ReadLineAsync(process, stderr, TimeSpan.FromSeconds(150));
}
