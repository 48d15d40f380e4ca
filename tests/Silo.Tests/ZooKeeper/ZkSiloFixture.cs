namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>One silo process (Memory profile, its own ports and cluster id) whose ZooKeeper port the tests of
/// <see cref="ZkSiloCollection"/> share.</summary>
public sealed class ZkSiloFixture : IAsyncLifetime
{
    public SiloProcess Silo { get; private set; } = null!;

    public string ClusterId { get; } = $"zk-wire-{Guid.NewGuid():N}"[..20];

    public int ZkPort => Silo.Ports.ZooKeeper;

    /// <summary>host:port as ZooKeeper clients take it.</summary>
    public string ZkServer => $"127.0.0.1:{ZkPort}";

    public async ValueTask InitializeAsync() => Silo = await SiloProcess.StartHealthyAsync(ClusterId, "--storage", "Memory");

    public async ValueTask DisposeAsync()
    {
        if (Silo is not null) await Silo.DisposeAsync();
    }
}

[CollectionDefinition(nameof(ZkSiloCollection))]
public sealed class ZkSiloCollection : ICollectionFixture<ZkSiloFixture>;
