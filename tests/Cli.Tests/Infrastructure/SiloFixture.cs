using System.Collections.Concurrent;
using System.Diagnostics;

namespace OrleansCoord.Cli.Tests.Infrastructure;

/// <summary>
/// One real silo process with the in-memory profile on free ports and its own cluster id, shared by the
/// tests of <see cref="GridCollection"/>. Started once, killed at the end.
/// </summary>
public sealed class SiloFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly ConcurrentQueue<string> _log = new();
    private Process? _silo;

    /// <summary>The silo's gateway, as <c>--server</c> takes it.</summary>
    public string Server { get; private set; } = "";

    /// <summary>The cluster id the silo was started with; the CLI must name the same.</summary>
    public string ClusterId { get; } = $"cli-tests-{Guid.NewGuid():N}";

    /// <summary>A <c>coord</c> runner pointed at this silo.</summary>
    public CoordProcess Coord => new(["--server", Server, "--cluster-id", ClusterId]);

    public async ValueTask InitializeAsync()
    {
        var siloDll = BuildOutputs.SiloDll;
        var ports = FreePorts.Pick(3);
        Server = $"127.0.0.1:{ports[1]}";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(siloDll)!,
        };
        foreach (var argument in new[]
        {
            siloDll, "--storage", "Memory", "--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}",
            "--http-port", $"{ports[2]}", "--zk-port", "0", "--proxy-port", "0", "--cluster-id", ClusterId,
        })
        {
            start.ArgumentList.Add(argument);
        }

        _silo = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start the silo");
        // Drain both pipes: a silo that fills an unread pipe blocks on its next log line.
        _silo.OutputDataReceived += (_, e) => Keep(e.Data);
        _silo.ErrorDataReceived += (_, e) => Keep(e.Data);
        _silo.BeginOutputReadLine();
        _silo.BeginErrorReadLine();

        await WaitHealthyAsync($"http://127.0.0.1:{ports[2]}/healthz");
    }

    public ValueTask DisposeAsync()
    {
        if (_silo is { HasExited: false }) _silo.Kill(entireProcessTree: true);
        _silo?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WaitHealthyAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_silo!.HasExited) throw new InvalidOperationException($"The silo exited with {_silo.ExitCode} before it was healthy.\n{Log()}");
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{url} did not answer 200 within {StartTimeout}.\n{Log()}");
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _log.Enqueue(line);
        while (_log.Count > 200 && _log.TryDequeue(out _)) { }
    }

    private string Log() => string.Join('\n', _log);
}

/// <summary>The tests that need a running grid; they share one silo and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class GridCollection : ICollectionFixture<SiloFixture>
{
    public const string Name = "grid";
}
