using System.Diagnostics;
using System.Threading.Channels;

namespace OrleansCoord.Cli.Tests.Infrastructure;

/// <summary>
/// A <c>coord</c> that keeps running while the test goes on (a lock holder, a leader, an interactive shell), whose
/// output lines the test can wait for (stderr's prefixed with <c>stderr: </c>), to which the test can type lines, and
/// which the test can kill as a crash would. Killed on dispose if still running.
/// </summary>
internal sealed class BackgroundCoord : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    private BackgroundCoord(Process process) => _process = process;

    public static BackgroundCoord Start(SiloFixture grid, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(BuildOutputs.CoordDll);
        foreach (var argument in new[] { "--server", grid.Server, "--cluster-id", grid.ClusterId }.Concat(arguments)) start.ArgumentList.Add(argument);
        start.Environment.Remove("COORD_SERVER");
        start.Environment.Remove("COORD_CLUSTER_ID");

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var coord = new BackgroundCoord(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) coord._lines.Writer.TryWrite(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) coord._lines.Writer.TryWrite("stderr: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return coord;
    }

    /// <summary>Types <paramref name="line"/> on coord's standard input.</summary>
    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Closes coord's standard input (end of input, as Ctrl-D) and waits for its exit code.</summary>
    public async Task<int> EndInputAndWaitAsync(TimeSpan within)
    {
        _process.StandardInput.Close();
        return await WaitForExitAsync(within);
    }

    /// <summary>Waits for coord to exit by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(within);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>Waits for the next line that <paramref name="expected"/> is; fails with what was printed otherwise.</summary>
    public Task WaitForLineAsync(string expected, TimeSpan within) => WaitForLineAsync(line => line == expected, $"'{expected}'", within);

    /// <summary>Waits for the next line that starts with <paramref name="prefix"/> and returns it.</summary>
    public Task<string> WaitForLineStartingAsync(string prefix, TimeSpan within) =>
        WaitForLineAsync(line => line.StartsWith(prefix, StringComparison.Ordinal), $"a line starting '{prefix}'", within);

    private async Task<string> WaitForLineAsync(Func<string, bool> wanted, string what, TimeSpan within)
    {
        var seen = new List<string>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(within);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(timeout.Token);
                if (wanted(line)) return line;
                seen.Add(line);
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{what} not printed within {within.TotalSeconds:0} s; printed: {string.Join(" | ", seen)}");
            throw;
        }
    }

    /// <summary>Sends <paramref name="signal"/> to coord (2: SIGINT, as Ctrl-C; 15: SIGTERM).</summary>
    public void Signal(int signal) => Assert.Equal(0, SendSignal(_process.Id, signal));

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>Kills the process (and its command) at once, as a crash would: no session close.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
