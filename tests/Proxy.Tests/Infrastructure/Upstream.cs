namespace OrleansCoord.Proxy.Tests.Infrastructure;

/// <summary>A real upstream HTTP server process (Upstream/upstream.py) that answers with its id.</summary>
public sealed class Upstream : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly LineWaiter _lines;

    private Upstream(string id, ChildProcess process, int port, LineWaiter lines) => (Id, _process, Port, _lines) = (id, process, port, lines);

    public string Id { get; }

    public int Port { get; }

    public string Address => $"http://127.0.0.1:{Port}";

    /// <summary>Starts one and waits until it listens. <paramref name="extraArguments"/>: --status, --delay-path, --delay-ms.</summary>
    public static Task<Upstream> StartAsync(string id, params string[] extraArguments) => StartScriptAsync(BuildOutputs.UpstreamScript, id, extraArguments);

    /// <summary>Starts Upstream/rogue.py, which answers some paths with malformed or unasked answers on purpose.</summary>
    public static Task<Upstream> StartRogueAsync(string id) => StartScriptAsync(BuildOutputs.RogueScript, id, []);

    private static async Task<Upstream> StartScriptAsync(string script, string id, string[] extraArguments)
    {
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new LineWaiter();
        var process = ChildProcess.Start($"upstream {id}", "python3", ["-u", script, id, .. extraArguments], line =>
        {
            if (line.StartsWith("listening ", StringComparison.Ordinal)) listening.TrySetResult(int.Parse(line[10..]));
            lines.Add(line);
        });
        try
        {
            var port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return new Upstream(id, process, port, lines);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>True once the upstream printed <paramref name="line"/> (e.g. "delaying /path": that request is in flight).</summary>
    public bool HasPrinted(string line) => _lines.Contains(line);

    /// <summary>SIGKILL: its port refuses connections from now on.</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}

/// <summary>The lines a process printed, for tests that wait for one.</summary>
internal sealed class LineWaiter
{
    private readonly HashSet<string> _lines = [];

    public void Add(string line)
    {
        lock (_lines) _lines.Add(line);
    }

    public bool Contains(string line)
    {
        lock (_lines) return _lines.Contains(line);
    }
}
