using System.Diagnostics;
using System.Reflection;
using System.Threading.Channels;

namespace OrleansCoord.Silo.Tests;

/// <summary>
/// <c>coord watch ...</c> run as its own process (its own Orleans client), whose printed events the test can wait
/// for and which the test can SIGKILL, as a crashed proxy would die: no unsubscribe, no session close.
/// </summary>
internal sealed class CoordWatchProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    private CoordWatchProcess(Process process) => _process = process;

    /// <summary>The path of coord.dll that the build recorded in this assembly.</summary>
    private static string CoordDll => typeof(CoordWatchProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "CoordDll").Value!;

    public static CoordWatchProcess Start(SiloProcess silo, string clusterId, params string[] watchArguments)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { CoordDll, "--server", silo.Gateway, "--cluster-id", clusterId, "watch" }.Concat(watchArguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("COORD_SERVER");
        start.Environment.Remove("COORD_CLUSTER_ID");
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var coord = new CoordWatchProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) coord._lines.Writer.TryWrite(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) coord._lines.Writer.TryWrite("stderr: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return coord;
    }

    /// <summary>True once a line containing <paramref name="text"/> has been printed; false if none came within <paramref name="within"/>.</summary>
    public async Task<bool> PrintedAsync(string text, TimeSpan within)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(within);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(timeout.Token);
                if (line.Contains(text, StringComparison.Ordinal)) return true;
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>SIGKILL: the process's TCP connection to the gateway closes, nothing else happens.</summary>
    public async Task KillHardAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillHardAsync();
        _process.Dispose();
    }

    // The dotnet that runs the tests (dotnet test sets DOTNET_HOST_PATH), else the one on PATH.
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
}
