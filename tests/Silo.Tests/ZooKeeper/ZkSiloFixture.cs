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

    /// <summary>The <c>user:password</c> whose digest the silo takes as its superuser (<c>--super-digest</c>).</summary>
    public const string SuperUserPassword = "super:zk-test-secret";

    /// <summary>Every four-letter word on (ZooKeeper's default, and the silo's, is srvr alone).</summary>
    public async ValueTask InitializeAsync() => Silo = await SiloProcess.StartHealthyAsync(ClusterId, "--storage", "Memory", "--4lw-whitelist", "*",
        "--super-digest", "super:" + Convert.ToBase64String(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(SuperUserPassword))));

    public async ValueTask DisposeAsync()
    {
        if (Silo is not null) await Silo.DisposeAsync();
    }
}

[CollectionDefinition(nameof(ZkSiloCollection))]
public sealed class ZkSiloCollection : ICollectionFixture<ZkSiloFixture>;
