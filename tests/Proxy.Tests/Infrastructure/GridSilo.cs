using OrleansCoord.Client;

namespace OrleansCoord.Proxy.Tests.Infrastructure;

/// <summary>A real silo process with the in-memory profile, on free ports with its own cluster id.</summary>
public sealed class GridSilo : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly int[] _ports;
    private ChildProcess _process;

    private GridSilo(ChildProcess process, int[] ports, string clusterId) =>
        (_process, _ports, Gateway, ClusterId) = (process, ports, $"127.0.0.1:{ports[1]}", clusterId);

    public string Gateway { get; }

    public string ClusterId { get; }

    public static async Task<GridSilo> StartAsync()
    {
        var ports = FreePorts.Pick(3);
        var clusterId = $"proxy-tests-{Guid.NewGuid():N}";
        var silo = new GridSilo(Launch(ports, clusterId), ports, clusterId);
        await silo.WaitHealthyAsync();
        return silo;
    }

    /// <summary>SIGKILL, then a new silo on the same ports with the same cluster id: the Memory profile starts with an
    /// empty tree, and clients of the old one find their sessions gone.</summary>
    public async Task RestartAsync()
    {
        await _process.DisposeAsync();
        _process = Launch(_ports, ClusterId);
        await WaitHealthyAsync();
    }

    private static ChildProcess Launch(int[] ports, string clusterId) => ChildProcess.Start("silo", ChildProcess.Dotnet,
        [BuildOutputs.SiloDll, "--storage", "Memory", "--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}",
         "--http-port", $"{ports[2]}", "--zk-port", "0", "--proxy-port", "0", "--cluster-id", clusterId],
        workingDirectory: Path.GetDirectoryName(BuildOutputs.SiloDll));

    private async Task WaitHealthyAsync()
    {
        try
        {
            await Poll.UntilAsync(IsHealthyAsync, TimeSpan.FromSeconds(120), () => $"silo healthy\n{_process.Output}");
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>A new session with this grid; dispose it to close the session (its ephemerals go).</summary>
    /// <summary>A client of this grid; <paramref name="sessionTimeout"/>: 10 s unless given.</summary>
    public Task<CoordClient> ConnectAsync(TimeSpan? sessionTimeout = null) => CoordClient.ConnectAsync(new CoordClientOptions
    {
        Servers = [Gateway],
        ClusterId = ClusterId,
        SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(10),
    });

    /// <summary>SIGKILL: the grid is away.</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private async Task<bool> IsHealthyAsync()
    {
        if (_process.HasExited) throw new InvalidOperationException($"silo exited:\n{_process.Output}");
        try
        {
            using var response = await Http.GetAsync($"http://127.0.0.1:{_ports[2]}/healthz");
            return response.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}

/// <summary>One silo shared by the tests of <see cref="GridCollection"/>; tests use their own route paths and cluster ids.</summary>
public sealed class GridFixture : IAsyncLifetime
{
    public GridSilo Silo { get; private set; } = null!;

    public CoordClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Silo = await GridSilo.StartAsync();
        // The longest session the grid grants: this one client serves every test of the collection, and on a
        // machine under heavy load (load average 40 seen) a 10 s session expired and failed all later tests.
        Client = await Silo.ConnectAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        if (Client is not null) await Client.AbandonAsync();
        if (Silo is not null) await Silo.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class GridCollection : ICollectionFixture<GridFixture>
{
    public const string Name = "grid";
}
