using System.Diagnostics;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// A Java program of ZooKeeper/java (compiled now) connected to the grid's ZooKeeper port through a
/// <see cref="LoopbackRelay"/>, driven over its standard input and output: the test reads its lines, and cuts its
/// connections (the relay drops them, then the program is told "cut"). Ended (killed if still running) on dispose.
/// </summary>
internal sealed class RelayedJavaClient : IAsyncDisposable
{
    private readonly JavaProgram _java;
    private readonly Process _process;
    private readonly Task<string> _stderr;
    private readonly TimeSpan _lineTimeout;

    private RelayedJavaClient(JavaProgram java, LoopbackRelay relay, string root, TimeSpan lineTimeout)
    {
        (_java, Relay, _lineTimeout) = (java, relay, lineTimeout);
        _process = java.Start($"127.0.0.1:{relay.Port}", root);
        _stderr = _process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>The relay between the program and the grid: how many connections it accepted.</summary>
    public LoopbackRelay Relay { get; }

    /// <summary>Compiles <paramref name="mainClass"/> and starts it against <paramref name="zkPort"/> with <paramref name="root"/>.</summary>
    public static async Task<RelayedJavaClient> StartAsync(string mainClass, int zkPort, string root, TimeSpan lineTimeout)
    {
        var java = await JavaProgram.CompileAsync(mainClass);
        return new RelayedJavaClient(java, new LoopbackRelay(zkPort), root, lineTimeout);
    }

    /// <summary>The program's next line on standard output (its standard error goes into the failure).</summary>
    public Task<string> ReadLineAsync() => ExternalTool.ReadLineAsync(_process, _stderr, _lineTimeout);

    /// <summary>Drops every connection through the relay, then tells the program it was cut.</summary>
    public async Task CutAsync()
    {
        Relay.CutAll();
        await _process.StandardInput.WriteLineAsync("cut");
        await _process.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Ends the program's input: it goes on to its last steps.</summary>
    public void CloseInput() => _process.StandardInput.Close();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
        _process.Dispose();
        await Relay.DisposeAsync();
        _java.Dispose();
    }
}
