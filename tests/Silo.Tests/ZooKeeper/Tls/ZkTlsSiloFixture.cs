using OrleansCoord.Tests.Shared;

namespace OrleansCoord.Silo.Tests.ZooKeeper.Tls;

/// <summary>
/// One silo process (Memory profile) with the ZooKeeper port and the secure port, its certificate and CA made by
/// <see cref="TestCertificates"/>, client certificates required; and the Java oracle's name for each client's subject.
/// </summary>
public sealed class ZkTlsSiloFixture : IAsyncLifetime
{
    internal TestCertificates Certificates { get; private set; } = null!;

    public SiloProcess Silo { get; private set; } = null!;

    public int SecurePort { get; private set; }

    public int PlainPort => Silo.Ports.ZooKeeper;

    /// <summary>Each client's subject as Java's X500Principal.getName() writes it: the id ZooKeeper gives its certificate.</summary>
    public IReadOnlyDictionary<string, string> JavaSubjects { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Certificates = await TestCertificates.CreateAsync();
        var picked = FreePorts.Pick(5);
        var ports = new SiloPorts(picked[0], picked[1], picked[2], picked[3]);
        SecurePort = picked[4];
        Silo = SiloProcess.Start(ports, [.. ports.Flags, "--cluster-id", $"zk-tls-{Guid.NewGuid():N}"[..20], "--storage", "Memory",
            "--zk-secure-port", $"{SecurePort}", "--tls-certificate", Certificates.ServerPem, "--tls-key", Certificates.ServerKey,
            "--tls-ca", Certificates.CaPem, "--require-client-certificate"]);
        await Silo.WaitHealthyAsync(TimeSpan.FromSeconds(90));

        TestCertificates.Client[] clients = [Certificates.Alice, Certificates.Bob, Certificates.Mallory];
        var subjects = await Tls.JavaSubjects.OfAsync(clients.Select(c => c.Pem).ToArray());
        JavaSubjects = clients.Select((c, i) => (c.Name, subjects[i])).ToDictionary();
    }

    public async ValueTask DisposeAsync()
    {
        if (Silo is not null) await Silo.DisposeAsync();
        Certificates?.Dispose();
    }
}

[CollectionDefinition(nameof(ZkTlsSiloCollection))]
public sealed class ZkTlsSiloCollection : ICollectionFixture<ZkTlsSiloFixture>;
