using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansCoord.Silo.Launchers.Azurite;
using OrleansCoord.Silo.Launchers.Processes;

namespace OrleansCoord.Silo.Tests;

/// <summary>
/// A silo started again after a crash finds the Azurite its dead predecessor started on the same folder still saving
/// its tables: it must wait for that one to exit before it starts its own (which would otherwise load the tables from
/// before that last save), and must not wait for one whose silo still runs.
/// </summary>
public sealed class AzuriteOwnershipTests : IAsyncDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"coord-owner-{Guid.NewGuid():N}");
    private readonly int[] _ports = FreePorts.Pick(3);
    private const int EndingSeconds = 4;
    private readonly List<Process> _processes = [];

    [Fact]
    public async Task EnsureRunning_WhileADeadSilosAzuriteStillRuns_WaitsUntilItHasExited()
    {
        Directory.CreateDirectory(_dataDirectory);
        var deadSilo = Start("true");
        await deadSilo.WaitForExitAsync(TestContext.Current.CancellationToken);
        var endingAzurite = Start("sleep", $"{EndingSeconds}");
        WriteOwnership(endingAzurite.Id, deadSilo.Id, siloStart: 1);
        var endingStart = ChildOwnership.Read(OwnerFile)!.ChildStart;

        await using var launcher = new AzuriteLauncher(AzuritePackage.Locate(), _dataDirectory, NullLogger.Instance, _ports);
        await launcher.EnsureRunningAsync(TestContext.Current.CancellationToken);

        Assert.True(endingAzurite.HasExited, "the launcher returned while the dead silo's Azurite still ran");
        Assert.True(launcher.OwnsAzurite);
        var started = ChildOwnership.Read(OwnerFile);
        Assert.Equal(Environment.ProcessId, started?.OwnerPid);

        // Start times are clock ticks since boot (100 a second): the new Azurite started after the old one's end.
        Assert.True(started!.ChildStart >= endingStart + (EndingSeconds * 100) - 5,
            $"Azurite started {(started.ChildStart - endingStart) / 100.0:0.00} s after the ending one, which ran {EndingSeconds} s");
    }

    [Fact]
    public void Ownership_OfALiveSilo_IsNotEnding()
    {
        Directory.CreateDirectory(_dataDirectory);
        var azurite = Start("sleep", "30");
        ChildOwnership.Write(OwnerFile, azurite.Id);

        var ownership = ChildOwnership.Read(OwnerFile);
        Assert.NotNull(ownership);
        Assert.True(ownership.ChildRuns);
        Assert.True(ownership.OwnerRuns); // This test process wrote it: a live silo shares its Azurite.
    }

    /// <summary>Writes the record as a silo with <paramref name="siloPid"/> would have; its start time is given (the process is gone).</summary>
    private void WriteOwnership(int azuritePid, int siloPid, long siloStart)
    {
        ChildOwnership.Write(OwnerFile, azuritePid);
        var written = ChildOwnership.Read(OwnerFile)!;
        File.WriteAllText(OwnerFile, $"{written.ChildPid} {written.ChildStart} {siloPid} {siloStart}");
    }

    /// <summary>Where the launcher keeps its <see cref="ChildOwnership"/> record.</summary>
    private string OwnerFile => Path.Combine(_dataDirectory, "azurite-owner");

    private Process Start(string command, params string[] arguments)
    {
        var process = Process.Start(new ProcessStartInfo(command, arguments) { UseShellExecute = false })!;
        _processes.Add(process);
        return process;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited) process.Kill();
            process.Dispose();
        }

        try { Directory.Delete(_dataDirectory, recursive: true); }
        catch (IOException) { /* Best effort: Azurite may still be writing; it is under /tmp. */ }
        return ValueTask.CompletedTask;
    }
}
