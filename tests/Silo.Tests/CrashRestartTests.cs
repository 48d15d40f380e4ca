using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.ZNodes;
using static OrleansCoord.Silo.Tests.GridConnect;

namespace OrleansCoord.Silo.Tests;

/// <summary>
/// The README's run command crashed (SIGKILL of <c>dotnet run</c> and the silo) while a client writes, and started
/// again 1 s later on the same data, as a supervisor would, twice: every create the grid acknowledged is still there
/// with the data it was created with, and no sequence number was acknowledged twice (GUARANTEES 1 and 6). Once with
/// the Azurite the silo starts itself (the default), once with an Azurite started apart.
/// </summary>
public sealed class CrashRestartTests(AzuriteFixture azurite) : IAsyncDisposable
{
    private const int Crashes = 2;
    private const int AcknowledgedBeforeEachCrash = 60;

    /// <summary>The issue's bound: the first write after a restart is acknowledged within 15 s of the silo being ready.</summary>
    private static readonly TimeSpan FirstWriteBound = TimeSpan.FromSeconds(15);

    private readonly string _azuriteDir = Path.Combine(Path.GetTempPath(), $"coord-crash-azurite-{Guid.NewGuid():N}");
    private readonly int[] _azuritePorts = FreePorts.Pick(3);

    [Fact]
    public async Task SiloCrashedAndStartedAgain_WithTheAzuriteItStarts_NoAcknowledgedCreateLost_NoNumberTwice() =>
        await CrashWhileWritingAsync("own",
        [
            "--connection-string", AzuriteProcess.ConnectionStringFor(_azuritePorts),
            "--azurite-ports", string.Join(',', _azuritePorts), "--azurite-dir", _azuriteDir,
        ]);

    [Fact]
    public async Task SiloCrashedAndStartedAgain_OnAnAzuriteStartedApart_NoAcknowledgedCreateLost_NoNumberTwice()
    {
        await using var storage = new AzuriteProcess();
        await storage.StartAsync();
        await CrashWhileWritingAsync("apart", ["--connection-string", storage.ConnectionString]);
    }

    private async Task CrashWhileWritingAsync(string name, string[] storageFlags)
    {
        var clusterId = $"{azurite.RunId}-crash-{name}";
        var root = $"/{clusterId}";
        var ports = SiloPorts.Pick();
        string[] flags = [.. ports.Flags, "--cluster-id", clusterId, "--dashboard", "off", .. storageFlags];

        var silo = await StartAsync(ports, flags);
        var writer = new SequentialWriter(silo.Gateway, clusterId, $"{root}/n-");
        try
        {
            await using (var setup = await ToAsync(silo, clusterId))
            {
                await setup.CreateAsync(root, cancellationToken: Ct);
            }

            writer.Start();
            for (var crash = 1; crash <= Crashes; crash++)
            {
                await writer.WaitForAcknowledgedAsync(crash * AcknowledgedBeforeEachCrash, TimeSpan.FromSeconds(90), () => silo.Output);
                await silo.CrashGroupAsync();
                await silo.DisposeAsync();
                await Task.Delay(TimeSpan.FromSeconds(1), Ct); // A supervisor's restart delay.

                silo = await StartAsync(ports, flags);
                var ready = DateTime.UtcNow;
                var before = writer.Acknowledged.Count;
                await writer.WaitForAcknowledgedAsync(before + 1, FirstWriteBound + TimeSpan.FromSeconds(45), () => silo.Output);
                var firstWrite = writer.LastAcknowledgedAt - ready;
                TestContext.Current.TestOutputHelper?.WriteLine($"crash {crash}: first write acknowledged {firstWrite.TotalSeconds:0.0} s after ready");
                Assert.True(firstWrite <= FirstWriteBound, $"first write {firstWrite.TotalSeconds:0.0} s after the restarted silo was ready:\n{silo.Output}");
            }

            await writer.StopAsync();
            await using var reader = await ToAsync(silo, clusterId);
            var acknowledged = writer.Acknowledged.ToList();
            var twice = acknowledged.GroupBy(a => a.Path).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(twice.Count == 0, $"sequence numbers acknowledged twice: {string.Join(", ", twice)}");
            foreach (var (path, data) in acknowledged)
            {
                var stored = await reader.ExistsAsync(path, Ct) is null ? null : Text((await reader.GetDataAsync(path, Ct)).Data);
                Assert.True(stored == data, $"{path} was acknowledged for \"{data}\" but holds {(stored is null ? "nothing" : $"\"{stored}\"")}");
            }

            TestContext.Current.TestOutputHelper?.WriteLine($"{acknowledged.Count} creates acknowledged, {writer.Failed} failed or unknown");
        }
        finally
        {
            await writer.DisposeAsync();
            await silo.CrashGroupAsync();
            await silo.DisposeAsync();
        }
    }

    private static Task<SiloProcess> StartAsync(SiloPorts ports, string[] flags) =>
        SiloProcess.StartWithDotnetRun(ports, flags).HealthyWithinAsync(TimeSpan.FromSeconds(120));

    public ValueTask DisposeAsync()
    {
        // The Azurite of the first test, if a failure left it running (found by its folder), and its folder.
        ProcessTable.KillByArgument("--location", _azuriteDir);

        try { Directory.Delete(_azuriteDir, recursive: true); }
        catch (DirectoryNotFoundException) { /* Never created. */ }
        catch (IOException) { /* Best effort: it is under /tmp. */ }
        return ValueTask.CompletedTask;
    }
}
