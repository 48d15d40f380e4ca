using System.Diagnostics;
using System.Threading.Channels;

namespace OrleansCoord.Cli.Tests.Infrastructure;

/// <summary>
/// A <c>coord</c> that keeps running while the test goes on (a lock holder, a leader), whose output lines the
/// test can wait for, and which the test can kill as a crash would. Killed on dispose if still running.
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

    /// <summary>Waits for the next line that <paramref name="expected"/> is; fails with what was printed otherwise.</summary>
    public async Task WaitForLineAsync(string expected, TimeSpan within)
    {
        var seen = new List<string>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(within);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(timeout.Token);
                if (line == expected) return;
                seen.Add(line);
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"'{expected}' not printed within {within.TotalSeconds:0} s; printed: {string.Join(" | ", seen)}");
        }
    }

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
