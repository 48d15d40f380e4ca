using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Grains.Identities;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Grains.Tests.Fixtures;

/// <summary>
/// A two-silo test cluster (in-memory store) whose silos trust <see cref="CertificateGridConfigurator.Ca"/> for client
/// certificates (as <c>--tls-ca</c> makes them) and issue credentials that live <see cref="CertificateGridConfigurator.Lifetime"/>
/// with <see cref="CertificateGridConfigurator.Tolerance"/> to spare, on the cluster's <see cref="Time"/>: a test moves
/// it to show expiry and renewal instead of waiting for them.
/// </summary>
public sealed class CertificateClusterFixture : ClusterFixture
{
    protected override short Silos => 2;

    /// <summary>The clock the silos issue and check credentials and certificates by (Orleans and the rest of the grid
    /// keep the real one: membership and call timeouts must not stop with it).</summary>
    public FakeTimeProvider Time => CertificateGridConfigurator.ClockOf(Cluster.Options.ClusterId);

    protected override void ConfigureGrid(TestClusterBuilder builder)
    {
        base.ConfigureGrid(builder);
        builder.AddSiloBuilderConfigurator<CertificateGridConfigurator>();
    }
}

/// <summary>The silos of <see cref="CertificateClusterFixture"/>: their credentials, over the in-memory grid, on one
/// fake clock per cluster.</summary>
public sealed class CertificateGridConfigurator : ISiloConfigurator
{
    private static readonly ConcurrentDictionary<string, FakeTimeProvider> Clocks = new();

    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(500);

    /// <summary>The CA the silos trust for client certificates (one per test process; its key signs the tests' certificates).</summary>
    public static readonly X509Certificate2 Ca = TestCertificateIssuer.Authority("credential tests CA");

    /// <summary>The credential clock of the cluster <paramref name="clusterId"/>, shared by its silos; it starts at the
    /// real time (on a whole second, as X.509 times are) and moves only when a test advances it.</summary>
    public static FakeTimeProvider ClockOf(string clusterId) =>
        Clocks.GetOrAdd(clusterId, _ => new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds())));

    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.Services.AddSingleton(new ClientCertificateAuthorities([Ca]));
        siloBuilder.Services.Configure<CoordGridOptions>(grid => (grid.CredentialLifetime, grid.CredentialClockTolerance) = (Lifetime, Tolerance));
        // Registered after AddCoordGrid's: these win. Only what issues and checks credentials and certificate dates
        // reads the fake clock.
        siloBuilder.Services.AddSingleton(sp => new CallerCredentials(sp.GetRequiredService<ITreeStore>(), Clock(sp), Lifetime, Tolerance));
        siloBuilder.Services.AddSingleton(sp => new CertificateIdentities(sp.GetRequiredService<ClientCertificateAuthorities>(), Clock(sp)));
    }

    private static FakeTimeProvider Clock(IServiceProvider services) => ClockOf(services.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId);
}
