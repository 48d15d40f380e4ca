using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OrleansCoord.Tests.Shared;

/// <summary>
/// A PostgreSQL server of a test's own, from Debian's binaries (/usr/lib/postgresql/*/bin): a fresh cluster in a temp
/// folder, on a free loopback port, its socket in that folder. Run as the <c>postgres</c> user when the test runs as
/// root (PostgreSQL refuses root). fsync and synchronous_commit stay on, as in production.
/// </summary>
/// <remarks>The server is the leader of a process group of its own, so <see cref="KillHardAsync"/> takes its backends down
/// with it at once, as a power cut would, and a restart on the same folder finds no leftover process.</remarks>
internal sealed class TestPostgres : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    private TestPostgres(string root, int port) => (Root, Port) = (root, port);

    /// <summary>The temp folder: the cluster is in <c>data</c> under it, the socket beside.</summary>
    public string Root { get; }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    /// <summary>The server's recent log lines, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>The folder holding initdb and postgres, or null when PostgreSQL is not installed.</summary>
    public static string? BinDirectory { get; } = Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "postgres"))).OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
            .FirstOrDefault()
        : null;

    /// <summary>Makes a new cluster in a temp folder and starts it; returns once it accepts connections.</summary>
    public static async Task<TestPostgres> StartAsync()
    {
        if (BinDirectory is null) throw new InvalidOperationException("PostgreSQL is not installed (apt-get install postgresql, as .ci/run does)");
        var root = Path.Combine(Path.GetTempPath(), $"orleanscoord-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        if (IsRoot) await RunAsync("chown", "postgres:postgres", root);
        var server = new TestPostgres(root, FreePorts.Pick(1)[0]);
        await RunAsync((IEnumerable<string>)AsServerUser(Path.Combine(BinDirectory, "initdb"), "-D", server.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"));
        await server.StartAgainAsync();
        return server;
    }

    private string DataDirectory => Path.Combine(Root, "data");

    /// <summary>Starts the server on its folder and port (after <see cref="KillHardAsync"/>: crash recovery first).</summary>
    public async Task StartAgainAsync()
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var command = AsServerUser(Path.Combine(BinDirectory!, "postgres"), "-D", DataDirectory, "-p", $"{Port}", "-k", Root, "-c", "listen_addresses=127.0.0.1");
        var start = new ProcessStartInfo("setsid") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in command) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, e) => Keep(e.Data, ready);
        process.OutputDataReceived += (_, e) => Keep(e.Data, ready);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;

        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != ready.Task) throw new InvalidOperationException($"PostgreSQL did not start on port {Port}:{Environment.NewLine}{Output}");
    }

    /// <summary>SIGKILL to the server and all its backends at once: nothing is flushed that was not already.</summary>
    public async Task KillHardAsync()
    {
        if (_process is not { } process) return;
        _process = null;
        kill(-process.Id, 9);
        await process.WaitForExitAsync();
        process.Dispose();
    }

    /// <summary>Fast shutdown (SIGINT), as an operator's <c>pg_ctl stop</c>.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process) return;
        _process = null;
        kill(process.Id, 2);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            kill(-process.Id, 9);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private void Keep(string? line, TaskCompletionSource ready)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 100) _output.TryDequeue(out _);
        if (line.Contains("ready to accept connections", StringComparison.Ordinal)) ready.TrySetResult();
    }

    private static bool IsRoot => OperatingSystem.IsLinux() && geteuid() == 0;

    // setpriv execs in place: the pid stays the server's, and so does the process group setsid made.
    private static string[] AsServerUser(params string[] command) =>
        IsRoot ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", .. command] : command;

    private static Task RunAsync(params string[] command) => RunAsync(command.AsEnumerable());

    private static async Task RunAsync(IEnumerable<string> command)
    {
        var list = command.ToList();
        var start = new ProcessStartInfo(list[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in list.Skip(1)) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{string.Join(' ', list)} exited with {process.ExitCode}: {await stderr}{await stdout}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern uint geteuid();

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
