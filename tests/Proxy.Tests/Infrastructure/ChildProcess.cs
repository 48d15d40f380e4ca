using System.Collections.Concurrent;
using System.Diagnostics;

namespace OrleansCoord.Proxy.Tests.Infrastructure;

/// <summary>A real child process whose output is drained (a full pipe would block it) and kept for failure messages.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    // Enough for `coord proxy status` over the shared test grid, where every proxy lists every test's cluster.
    private const int MaxLines = 5000;
    private readonly ConcurrentQueue<string> _tail = new();
    private readonly Process _process;
    private bool _outputEnded;
    private bool _errorEnded;

    private ChildProcess(Process process, Action<string>? onLine)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data, onLine, ref _outputEnded);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data, onLine, ref _errorEnded);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; private init; } = "";

    /// <summary>Exited, and all it wrote has been read (the process can end before its last lines reach <see cref="Output"/>).</summary>
    public bool HasExited => _process.HasExited && Volatile.Read(ref _outputEnded) && Volatile.Read(ref _errorEnded);

    public int ExitCode => _process.ExitCode;

    public string Output => string.Join('\n', _tail);

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, Action<string>? onLine = null, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // Hermetic: a developer's COORD_ settings must not leak into a process under test.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("COORD_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        return new ChildProcess(process, onLine) { Name = name };
    }

    /// <summary>SIGKILL, as on a crash: no goodbye to anyone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGKILL of this process only: children it started live on (unless they watch it).</summary>
    public async Task KillAloneAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as systemd or Ctrl-C would, and wait (bounded) for the exit; killed if it does not come.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        if (SysKill(_process.Id, 15) != 0) return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    /// <summary>The dotnet that runs the tests, else the one on PATH.</summary>
    public static string Dotnet =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

    private void Keep(string? line, Action<string>? onLine, ref bool ended)
    {
        if (line is null)
        {
            Volatile.Write(ref ended, true); // the end of the stream
            return;
        }

        _tail.Enqueue(line);
        while (_tail.Count > MaxLines && _tail.TryDequeue(out _)) { }
        onLine?.Invoke(line);
    }
}
