using OrleansCoord.Client;
using static OrleansCoord.Silo.Tests.GridConnect;

namespace OrleansCoord.Silo.Tests;

/// <summary>
/// A silo that started Azurite itself (the README's <c>dotnet run --project Silo</c>) stops cleanly on Ctrl-C, which a
/// terminal sends to the whole foreground process group: Azurite must outlive the silo's shutdown (which still writes
/// to storage) and then be stopped by the silo. And an Azurite whose silo was killed does not run on forever.
/// </summary>
public sealed class EmbeddedAzuriteStopTests : IAsyncDisposable
{
    /// <summary>Generous: the bug was a hang of more than 90 s, not slowness.</summary>
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(60);

    private readonly string _azuriteDir = Path.Combine(Path.GetTempPath(), $"coord-embedded-azurite-{Guid.NewGuid():N}");
    private readonly int[] _azuritePorts = FreePorts.Pick(3);

    [Fact]
    public async Task CtrlCToTheProcessGroup_SiloExitsCleanly_AzuriteStoppedAfterIt()
    {
        await using var silo = await StartSiloWithEmbeddedAzuriteAsync("ctrlc");
        var azurite = FindAzurite();

        Signals.SendToGroup(Signals.ProcessGroupOf(silo.Pid), Signals.SigInt);

        int exitCode;
        try
        {
            exitCode = await silo.WaitForExitAsync(StopBound);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the silo did not exit within {StopBound.TotalSeconds:0} s of Ctrl-C:\n{silo.Output}");
            throw;
        }

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{silo.Output}");
        await Poll.UntilAsync(() => Task.FromResult(!ProcessTable.IsRunning(azurite)), TimeSpan.FromSeconds(30),
            () => $"Azurite (pid {azurite}) still runs after its silo exited:\n{silo.Output}");
    }

    [Fact]
    public async Task SiloKilled_AzuriteEndsToo()
    {
        await using var silo = await StartSiloWithEmbeddedAzuriteAsync("sigkill");
        var azurite = FindAzurite();

        await silo.KillHardAsync();

        // Azurite's grace after end-of-file on its stdin is 10 s; it may save its data first.
        await Poll.UntilAsync(() => Task.FromResult(!ProcessTable.IsRunning(azurite)), TimeSpan.FromSeconds(30),
            () => $"Azurite (pid {azurite}) outlived its killed silo:\n{silo.Output}");
    }

    /// <summary>A silo whose connection string is an Azurite on free ports that nothing runs yet: the silo starts it.</summary>
    private async Task<SiloProcess> StartSiloWithEmbeddedAzuriteAsync(string name)
    {
        var ports = SiloPorts.Pick();
        var clusterId = $"embedded-{name}-{Guid.NewGuid():N}"[..24];
        var silo = SiloProcess.Start(ports, ownProcessGroup: true,
        [
            .. ports.Flags, "--cluster-id", clusterId,
            "--connection-string", AzuriteProcess.ConnectionStringFor(_azuritePorts),
            "--azurite-ports", string.Join(',', _azuritePorts), "--azurite-dir", _azuriteDir,
        ]);
        try
        {
            await silo.WaitHealthyAsync(TimeSpan.FromSeconds(120));

            // Grid state in storage, so that the shutdown has writes to make besides leaving the cluster.
            await using var client = await ToAsync(silo, clusterId);
            await client.CreateAsync($"/{name}", Utf8("stored"), cancellationToken: Ct);
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>The Azurite the silo started: the node process whose command line names this test's data folder.</summary>
    private int FindAzurite() =>
        ProcessTable.FindByArgument("--location", _azuriteDir) is [var pid] ? pid
            : throw new InvalidOperationException($"no single Azurite process with --location {_azuriteDir}");

    public ValueTask DisposeAsync()
    {
        // Whatever a failed test left running (by the pid found through this test's own folder).
        ProcessTable.KillByArgument("--location", _azuriteDir);

        try { Directory.Delete(_azuriteDir, recursive: true); }
        catch (DirectoryNotFoundException) { /* Never created. */ }
        catch (IOException) { /* Best effort: it is under /tmp; Azurite may still be writing. */ }
        return ValueTask.CompletedTask;
    }
}
