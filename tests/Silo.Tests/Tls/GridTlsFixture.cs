using OrleansCoord.Silo.Tests.ZooKeeper.Tls;
using OrleansCoord.Tests.Shared;

namespace OrleansCoord.Silo.Tests.Tls;

/// <summary>
/// Two silo processes (AzureStorage profile, Azurite) in one cluster with <c>--grid-tls</c> and
/// <c>--require-client-certificate</c>, their certificate and CA made by <see cref="TestCertificates"/>; the first also
/// starts its reverse proxy, which must reach the TLS gateway with the files the silo hands it.
/// </summary>
public sealed class GridTlsFixture : IAsyncLifetime
{
    internal TestCertificates Certificates { get; private set; } = null!;

    public string ClusterId { get; } = $"grid-tls-{Guid.NewGuid():N}"[..24];

    public SiloProcess First { get; private set; } = null!;

    public SiloProcess Second { get; private set; } = null!;

    /// <summary>The proxy the first silo started (its status znode is /proxy/status/&lt;host&gt;-&lt;port&gt;).</summary>
    public int ProxyPort { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Certificates = await TestCertificates.CreateAsync();
        var proxy = FreePorts.Pick(2);
        ProxyPort = proxy[0];
        First = await StartAsync(["--proxy-port", $"{proxy[0]}", "--proxy-admin-port", $"{proxy[1]}"]);
        Second = await StartAsync([]);
    }

    private Task<SiloProcess> StartAsync(string[] extra)
    {
        var ports = SiloPorts.Pick();
        // Flags after ports.Flags win (its --proxy-port 0 included): the parser keeps the last value of a key.
        return SiloProcess.Start(ports, [.. ports.Flags, "--cluster-id", ClusterId, "--grid-tls", "--tls-certificate", Certificates.ServerPem,
            "--tls-key", Certificates.ServerKey, "--tls-ca", Certificates.CaPem, "--require-client-certificate", "--dashboard", "off", .. extra])
            .HealthyWithinAsync(TimeSpan.FromSeconds(90));
    }

    public async ValueTask DisposeAsync()
    {
        if (Second is not null) await Second.DisposeAsync();
        if (First is not null)
        {
            // Gracefully, so that it stops its proxy too (a hard kill would leave the detached proxy serving).
            try { await First.StopGracefullyAsync(TimeSpan.FromSeconds(30)); } catch (OperationCanceledException) { /* Killed below. */ }
            await First.DisposeAsync();
        }

        Certificates?.Dispose();
    }
}
