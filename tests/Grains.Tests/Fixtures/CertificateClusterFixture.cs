using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Grains.Identities;

namespace OrleansCoord.Grains.Tests.Fixtures;

/// <summary>
/// A two-silo test cluster (in-memory store) whose silos trust <see cref="CertificateGridConfigurator.Ca"/> for client
/// certificates (as <c>--tls-ca</c> makes them) and issue credentials that live <see cref="CertificateGridConfigurator.Lifetime"/>
/// with <see cref="CertificateGridConfigurator.Tolerance"/> to spare: short, so that expiry and renewal show in seconds.
/// </summary>
public sealed class CertificateClusterFixture : ClusterFixture
{
    protected override short Silos => 2;

    protected override void ConfigureGrid(TestClusterBuilder builder)
    {
        base.ConfigureGrid(builder);
        builder.AddSiloBuilderConfigurator<CertificateGridConfigurator>();
    }
}

/// <summary>The silos of <see cref="CertificateClusterFixture"/>: their credentials, over the in-memory grid.</summary>
public sealed class CertificateGridConfigurator : ISiloConfigurator
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(500);

    /// <summary>The CA the silos trust for client certificates (one per test process; its key signs the tests' certificates).</summary>
    public static readonly X509Certificate2 Ca = TestCertificateIssuer.Authority("credential tests CA");

    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.Services.AddSingleton(new ClientCertificateAuthorities([Ca]));
        siloBuilder.Services.Configure<CoordGridOptions>(grid => (grid.CredentialLifetime, grid.CredentialClockTolerance) = (Lifetime, Tolerance));
    }
}
