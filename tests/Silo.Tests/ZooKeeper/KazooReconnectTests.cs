using System.Diagnostics;
using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>A kazoo session outlives the silo it is connected to: it resumes on another silo of the cluster.</summary>
public sealed class KazooReconnectTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task SiloOfTheConnectionKilled_KazooResumesOnTheOther_WithEphemeralAndWatch()
    {
        ExternalTool.Require(ExternalTool.Python, "python3-kazoo");
        var clusterId = $"{azurite.RunId}-zkreconnect";
        var root = $"/{azurite.RunId}-zkreconnect";
        await using var first = await SiloProcess.StartHealthyAsync(clusterId);
        await using var second = await SiloProcess.StartHealthyAsync(clusterId);
        SiloProcess[] silos = [first, second];
        await using (var inspector = await ClusterInspector.ConnectAsync(clusterId, silos))
        {
            await inspector.WaitForActiveSilosAsync(2, TimeSpan.FromSeconds(60));
        }

        await using (var setup = await RawZkConnection.ConnectAsync(first.Ports.ZooKeeper))
        {
            Assert.Equal(Err.Ok, (await setup.CallAsync(Op.Create, Create(root, "before"))).Err);
        }

        var hosts = string.Join(',', silos.Select(s => $"127.0.0.1:{s.Ports.ZooKeeper}"));
        using var kazoo = Process.Start(ExternalTool.StartInfo(ExternalTool.Python, KazooTests.Script("reconnect.py"), hosts, root))!;
        var stderr = kazoo.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            var ready = await ReadLineAsync(kazoo, stderr);
            Assert.StartsWith("ready ", ready);
            var victim = silos.Single(s => s.Ports.ZooKeeper == int.Parse(ready["ready ".Length..]));
            var survivor = victim == first ? second : first;
            await victim.KillHardAsync();

            // Changed while the client is away: its setWatches on reconnect must report it. Until the cluster has
            // declared the victim dead, grains that lived there do not answer, so the writer tries again.
            var attempts = new List<string>();
            await Poll.UntilAsync(async () =>
            {
                try
                {
                    await using var writer = await RawZkConnection.ConnectAsync(survivor.Ports.ZooKeeper);
                    var err = (await writer.CallAsync(Op.SetData, SetData(root, "after"))).Err;
                    attempts.Add($"setData: {err}");
                    return err == Err.Ok;
                }
                catch (IOException exception)
                {
                    attempts.Add(exception.Message);
                    return false;
                }
            }, TimeSpan.FromSeconds(90), () => $"the survivor never accepted the write: {string.Join("; ", attempts)}");

            await kazoo.StandardInput.WriteLineAsync("killed");
            await kazoo.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
            Assert.Equal($"resumed {survivor.Ports.ZooKeeper}", await ReadLineAsync(kazoo, stderr));
            Assert.Equal("ok", await ReadLineAsync(kazoo, stderr));
        }
        finally
        {
            if (!kazoo.HasExited) kazoo.Kill(entireProcessTree: true);
        }
    }

    private static Task<string> ReadLineAsync(Process process, Task<string> stderr) =>
        ExternalTool.ReadLineAsync(process, stderr, TimeSpan.FromSeconds(120));
}
