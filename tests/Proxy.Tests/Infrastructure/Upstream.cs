namespace OrleansCoord.Proxy.Tests.Infrastructure;

/// <summary>A real upstream HTTP server process (Upstream/upstream.py) that answers with its id.</summary>
public sealed class Upstream : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private Upstream(string id, ChildProcess process, int port) => (Id, _process, Port) = (id, process, port);

    public string Id { get; }

    public int Port { get; }

    public string Address => $"http://127.0.0.1:{Port}";

    /// <summary>Starts one and waits until it listens. <paramref name="extraArguments"/>: --status, --delay-path, --delay-ms.</summary>
    public static async Task<Upstream> StartAsync(string id, params string[] extraArguments)
    {
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = ChildProcess.Start($"upstream {id}", "python3", ["-u", BuildOutputs.UpstreamScript, id, .. extraArguments], line =>
        {
            if (line.StartsWith("listening ", StringComparison.Ordinal)) listening.TrySetResult(int.Parse(line[10..]));
        });
        try
        {
            var port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return new Upstream(id, process, port);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: its port refuses connections from now on.</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
