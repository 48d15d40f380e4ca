using OrleansCoord.Silo.Tests.ZooKeeper.Tls;

namespace OrleansCoord.Silo.Tests.Tls;

/// <summary>
/// One silo process whose gateway is plain TCP (no <c>--grid-tls</c>) but which trusts the test CA for client
/// certificates (<c>--tls-ca</c>), with its ZooKeeper secure port on (clients without a certificate allowed) and a
/// credential lifetime of <see cref="LifetimeSeconds"/> s: SDK and CLI sessions prove certificates by signature alone,
/// and expiry and renewal show within seconds.
/// </summary>
public sealed class X509SessionFixture : IAsyncLifetime
{
    public const int LifetimeSeconds = 3;

    /// <summary>The clock tolerance of the silos (CoordGridOptions.CredentialClockTolerance's default).</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(5);

    internal TestCertificates Certificates { get; private set; } = null!;

    public string ClusterId { get; } = $"x509-{Guid.NewGuid():N}"[..20];

    public SiloProcess Silo { get; private set; } = null!;

    public int SecurePort { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Certificates = await TestCertificates.CreateAsync();
        var picked = FreePorts.Pick(5);
        var ports = new SiloPorts(picked[0], picked[1], picked[2], picked[3]);
        SecurePort = picked[4];
        Silo = SiloProcess.Start(ports, [.. ports.Flags, "--cluster-id", ClusterId, "--storage", "Memory", "--dashboard", "off",
            "--zk-secure-port", $"{SecurePort}", "--tls-certificate", Certificates.ServerPem, "--tls-key", Certificates.ServerKey,
            "--tls-ca", Certificates.CaPem, "--credential-lifetime", $"{LifetimeSeconds}"]);
        await Silo.WaitHealthyAsync(TimeSpan.FromSeconds(90));
    }

    public async ValueTask DisposeAsync()
    {
        if (Silo is not null) await Silo.DisposeAsync();
        Certificates?.Dispose();
    }
}
