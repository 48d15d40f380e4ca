using System.Diagnostics;
using System.Reflection;

namespace OrleansCoord.Robustness.Tests.Cluster;

/// <summary>OrleansCoord.Silo as a child process (its built dll), on fixed ports so that it can be killed and
/// started again where clients look for it; the last lines of its output are kept for failure messages.</summary>
public sealed class SiloProcess(string[] arguments, int httpPort) : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Queue<string> _output = new();
    private Process? _process;

    /// <summary>COORD_SILO_DLL when set (a soak runs a copy, so that builds meanwhile do not change it), else the path of
    /// OrleansCoord.Silo.dll that the build recorded in this assembly.</summary>
    public static string SiloDll => Environment.GetEnvironmentVariable("COORD_SILO_DLL") is { Length: > 0 } path
        ? path
        : typeof(SiloProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SiloDll").Value!;

    public string Output
    {
        get { lock (_output) return string.Join('\n', _output); }
    }

    /// <summary>Starts the process and waits until its <c>/healthz</c> answers 200.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(SiloDll)!,
        };
        start.ArgumentList.Add(SiloDll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("COORD_", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"silo exited with {process.ExitCode}:\n{Output}");
            try
            {
                using var response = await Http.GetAsync($"http://127.0.0.1:{httpPort}/healthz");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { /* Not listening yet. */ }
            catch (TaskCanceledException) { /* Slow start; ask again. */ }

            await Task.Delay(250);
        }

        throw new TimeoutException($"silo not healthy within {timeout.TotalSeconds:0} s:\n{Output}");
    }

    /// <summary>SIGKILL: the silo neither leaves the cluster nor says goodbye to its clients.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > 100) _output.Dequeue();
        }
    }
}
