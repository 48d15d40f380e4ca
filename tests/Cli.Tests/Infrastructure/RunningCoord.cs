using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace OrleansCoord.Cli.Tests.Infrastructure;

/// <summary>
/// A <c>coord</c> command that keeps running (as <c>services register</c> does): the test reads its first line, then
/// stops it with SIGTERM, as systemd or a shell's kill would. Killed outright when disposed still running.
/// </summary>
public sealed class RunningCoord : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Task<string> _remainingStdout;

    private RunningCoord(Process process, Task<string> remainingStdout) => (_process, _remainingStdout) = (process, remainingStdout);

    public TextReader Stdout => _process.StandardOutput;

    /// <summary>Starts <c>coord</c> against <paramref name="grid"/> with <paramref name="arguments"/>.</summary>
    public static RunningCoord Start(SiloFixture grid, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { BuildOutputs.CoordDll, "--server", grid.Server, "--cluster-id", grid.ClusterId }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("COORD_SERVER");
        start.Environment.Remove("COORD_CLUSTER_ID");
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var running = new RunningCoord(process, Task.FromResult(""));
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (running._stderr) running._stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>The next line on stdout, or a failure naming what stderr said when none comes in time.</summary>
    public async Task<string> ReadLineAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            return await Stdout.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException($"coord ended its output; stderr: {Stderr}");
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"coord printed no line within {within}; stderr: {Stderr}");
        }
    }

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>Sends SIGTERM and waits for the exit code (killing it after <paramref name="within"/>).</summary>
    public async Task<int> TerminateAsync(TimeSpan within)
    {
        Assert.Equal(0, Kill(_process.Id, 15));
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        await _remainingStdout;
        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
