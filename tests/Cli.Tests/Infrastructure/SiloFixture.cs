namespace OrleansCoord.Cli.Tests.Infrastructure;

/// <summary>
/// One real silo process (<see cref="SiloProcess"/>) with the in-memory profile on free ports and its own cluster id,
/// shared by the tests of <see cref="GridCollection"/>. Started once, killed at the end.
/// </summary>
public sealed class SiloFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private SiloProcess? _silo;

    /// <summary>The silo's gateway, as <c>--server</c> takes it.</summary>
    public string Server => (_silo ?? throw new InvalidOperationException("the silo is not started")).Gateway;

    /// <summary>The cluster id the silo was started with; the CLI must name the same.</summary>
    public string ClusterId { get; } = $"cli-tests-{Guid.NewGuid():N}";

    /// <summary>A <c>coord</c> runner pointed at this silo.</summary>
    public CoordProcess Coord => new(["--server", Server, "--cluster-id", ClusterId]);

    public async ValueTask InitializeAsync()
    {
        // The silo's dll as BuildOutputs finds it (and fails clearly when it is not built).
        _ = BuildOutputs.SiloDll;
        var ports = SiloPorts.Pick();
        // No ZooKeeper port: the CLI tests talk to the grid through the gateway only.
        _silo = await SiloProcess.Start(ports,
            "--storage", "Memory", "--silo-port", $"{ports.Silo}", "--gateway-port", $"{ports.Gateway}",
            "--http-port", $"{ports.Http}", "--zk-port", "0", "--proxy-port", "0", "--cluster-id", ClusterId)
            .HealthyWithinAsync(StartTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (_silo is not null) await _silo.DisposeAsync();
    }
}

/// <summary>The tests that need a running grid; they share one silo and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class GridCollection : ICollectionFixture<SiloFixture>
{
    public const string Name = "grid";
}
