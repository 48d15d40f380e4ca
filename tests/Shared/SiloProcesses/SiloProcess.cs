using System.Diagnostics;
using System.Reflection;
using OrleansCoord.Silo.Launchers.Processes;

namespace OrleansCoord.Tests.Shared;

/// <summary>
/// A silo started as a real process from its built dll, with its output kept for failure messages. Made by
/// <see cref="Start(SiloPorts, string[])"/> and its siblings (started at once), or by <see cref="Create"/> (started by
/// <see cref="StartAsync"/>, and again after <see cref="KillAsync"/> with the same flags on the same ports, where its
/// clients look for it).
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly OutputTail _output = new(capacity: 200);
    private readonly Func<Process> _launch;
    private Process? _process;

    private SiloProcess(SiloPorts ports, Func<Process> launch)
    {
        Ports = ports;
        _launch = launch;
    }

    public SiloPorts Ports { get; }

    /// <summary>Base address of the silo's HTTP port (https when started by <see cref="StartHealthyAsync(HttpClient, string, string[])"/>).</summary>
    public Uri HttpBase => new($"{(_health == Http ? "http" : "https")}://127.0.0.1:{Ports.Http}/");

    // What polls /healthz: a client that trusts the test CA when the HTTP port speaks TLS.
    private HttpClient _health = Http;

    /// <summary>The silo's process id.</summary>
    public int Pid => Running.Id;

    /// <summary>The gateway as the SDK wants it.</summary>
    public string Gateway => $"127.0.0.1:{Ports.Gateway}";

    /// <summary>What the silo printed, last lines first-to-last.</summary>
    public string Output => _output.ToString();

    private Process Running => _process ?? throw new InvalidOperationException("the silo process is not started");

    /// <summary>COORD_SILO_DLL when set (a soak runs a copy, so that builds meanwhile do not change it), else the path of
    /// OrleansCoord.Silo.dll that the build recorded in this assembly.</summary>
    public static string SiloDll => Environment.GetEnvironmentVariable("COORD_SILO_DLL") is { Length: > 0 } path
        ? path
        : typeof(SiloProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SiloDll").Value!;

    /// <summary>Starts <c>dotnet OrleansCoord.Silo.dll</c> with the given flags (no wait).</summary>
    public static SiloProcess Start(SiloPorts ports, params string[] flags) => Start(ports, ownProcessGroup: false, flags);

    /// <summary>
    /// As <see cref="Start(SiloPorts, string[])"/>, but as the leader of a process group (and session) of its own, as a
    /// shell starts a foreground job: a signal to the group (its id is <see cref="Pid"/>) reaches the silo and its children,
    /// never the test host.
    /// </summary>
    public static SiloProcess Start(SiloPorts ports, bool ownProcessGroup, params string[] flags) =>
        Started(Launcher(ports, ownProcessGroup, Path.GetDirectoryName(SiloDll)!, [SiloDll, .. flags]));

    /// <summary>
    /// Starts the silo with the README's command, <c>dotnet run --project Silo</c>, from the repository root, as the
    /// leader of a process group of its own (<c>dotnet run</c> and the silo it runs: a SIGKILL to the group is a crash
    /// of both). <c>-c Release --no-build</c>: the test run has built it already, and a build per start would take
    /// minutes on a loaded machine.
    /// </summary>
    public static SiloProcess StartWithDotnetRun(SiloPorts ports, params string[] flags) =>
        Started(Launcher(ports, ownProcessGroup: true, RepoRoot,
            ["run", "--project", Path.Combine(RepoRoot, "Silo"), "-c", "Release", "--no-build", "--", .. flags]));

    /// <summary>A silo not started yet: <see cref="StartAsync"/> starts it (and starts it again after <see cref="KillAsync"/>).</summary>
    /// <param name="ports">Its ports; only <see cref="SiloPorts.Http"/> is read (for /healthz): <paramref name="flags"/> name them all.</param>
    public static SiloProcess Create(SiloPorts ports, params string[] flags) =>
        Launcher(ports, ownProcessGroup: false, Path.GetDirectoryName(SiloDll)!, [SiloDll, .. flags]);

    /// <summary>The repository root: SiloDll is &lt;root&gt;/Silo/bin/Release/&lt;tfm&gt;/OrleansCoord.Silo.dll.</summary>
    public static string RepoRoot => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(SiloDll)!, "..", "..", "..", ".."));

    private static SiloProcess Started(SiloProcess silo)
    {
        silo.Launch();
        return silo;
    }

    private static SiloProcess Launcher(SiloPorts ports, bool ownProcessGroup, string workingDirectory, string[] dotnetArguments) => new(ports, () =>
    {
        // setsid and env exec in place (the child is no group leader), so the pid is the silo's and also its group's.
        // env restores SIGINT's default action: a test host started in the background of a shell inherits it ignored,
        // where a terminal's foreground job has it.
        var start = new ProcessStartInfo(ownProcessGroup ? "setsid" : DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        if (ownProcessGroup)
        {
            foreach (var arg in new[] { "env", "--default-signal=INT", DotnetHost() }) start.ArgumentList.Add(arg);
        }

        foreach (var arg in dotnetArguments) start.ArgumentList.Add(arg);

        // Hermetic: whatever COORD_ settings the developer's shell has must not leak into the silo under test.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("COORD_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        return Process.Start(start)!;
    });

    private void Launch()
    {
        _process = _launch();
        _output.Attach(_process);
    }

    /// <summary>Starts the process and waits until its <c>/healthz</c> answers 200 (<see cref="WaitHealthyAsync"/>).</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        if (_process is not null) throw new InvalidOperationException("the silo process runs already");
        Launch();
        await WaitHealthyAsync(timeout);
    }

    /// <summary>Starts a silo on fresh ports in the given cluster and waits until <c>/healthz</c> says ok.</summary>
    public static Task<SiloProcess> StartHealthyAsync(string clusterId, params string[] extraFlags) =>
        StartHealthyAsync(Http, clusterId, extraFlags);

    /// <summary>As above, for a silo whose HTTP port speaks TLS: <paramref name="https"/> polls https://…/healthz.</summary>
    public static async Task<SiloProcess> StartHealthyAsync(HttpClient https, string clusterId, params string[] extraFlags)
    {
        var ports = SiloPorts.Pick();
        var silo = Start(ports, [.. ports.Flags, "--cluster-id", clusterId, .. extraFlags]);
        silo._health = https;
        return await silo.HealthyWithinAsync(TimeSpan.FromSeconds(90));
    }

    /// <summary>This silo once <c>/healthz</c> says ok (<see cref="WaitHealthyAsync"/>); killed, and the failure
    /// thrown, when it exits or the time runs out first.</summary>
    public async Task<SiloProcess> HealthyWithinAsync(TimeSpan timeout)
    {
        try
        {
            await WaitHealthyAsync(timeout);
            return this;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls <c>/healthz</c> until 200; fails with the silo's output if it exits or the time runs out.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var process = Running;
        await Poll.UntilAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"silo exited with {process.ExitCode}:\n{Output}");
            try
            {
                using var response = await _health.GetAsync(new Uri(HttpBase, "healthz"));
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException) { return false; /* Not listening yet. */ }
            catch (TaskCanceledException) { return false; /* Slow start; ask again. */ }
        }, timeout, () => $"silo not healthy:\n{Output}", TimeSpan.FromMilliseconds(250));
    }

    /// <summary>Waits for the process to exit on its own (bounded) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        var process = Running;
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        await process.WaitForExitAsync(); // Lets the output readers reach the end of the streams.
        return process.ExitCode;
    }

    /// <summary>SIGTERM, as systemd or Ctrl-C would; returns the exit code once the silo has shut down.</summary>
    public async Task<int> StopGracefullyAsync(TimeSpan timeout)
    {
        ProcessSignals.Terminate(Running);
        return await WaitForExitAsync(timeout);
    }

    /// <summary>SIGKILL, as on a crash or power cut: the silo neither leaves the cluster nor says goodbye to clients.</summary>
    public async Task KillHardAsync()
    {
        var process = Running;
        if (!process.HasExited) process.Kill();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>SIGKILL to the silo alone (not its children: an Azurite it started ends on its own, saving on the way
    /// out); then <see cref="StartAsync"/> may start it again. Nothing when it is not running.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process) return;
        if (!process.HasExited) process.Kill();
        await process.WaitForExitAsync();
        process.Dispose();
        _process = null;
    }

    /// <summary>
    /// SIGKILL to the silo's whole process group (<c>dotnet run</c> and the silo under it, not an Azurite it started,
    /// which runs in a session of its own), as a crash or an OOM kill of the service would be.
    /// </summary>
    public async Task CrashGroupAsync()
    {
        var process = Running;
        if (!process.HasExited) Signals.SendToGroup(Signals.ProcessGroupOf(process.Id), Signals.SigKill);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>SIGSTOP: the silo keeps its sockets open and answers nothing, as a silo that hangs. Returns once the
    /// kernel shows it stopped: kill() only queues the stop, and a thread may still run until it takes it (a read sent
    /// right after kill() was answered once in CI).</summary>
    public void Freeze()
    {
        Signals.Send(Pid, Signals.SigStop);
        var deadline = Environment.TickCount64 + 5_000;
        while (!Stopped() && Environment.TickCount64 < deadline) Thread.Sleep(10);
        if (!Stopped()) throw new InvalidOperationException($"silo {Pid} not stopped 5 s after SIGSTOP");
    }

    // Every thread's /proc/<pid>/task/<tid>/stat ("tid (comm) S ...": the state after the last ')') says T, stopped.
    private bool Stopped() => Directory.GetDirectories($"/proc/{Pid}/task").All(task =>
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(task, "stat"));
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('T');
        }
        catch (IOException)
        {
            return true; // the thread ended meanwhile
        }
    });

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Thaw() => Signals.Send(Pid, Signals.SigCont);

    /// <summary>Kills the process and its children if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is not { } process) return;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        _process = null;
    }

    // The dotnet that runs the build and tests (dotnet test sets DOTNET_HOST_PATH), else the one on PATH.
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
}
