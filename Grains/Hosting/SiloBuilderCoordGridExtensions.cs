using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansCoord.Grains.Identities;
using OrleansCoord.Grains.InternalCalls;
using OrleansCoord.Grains.Maintenance;
using OrleansCoord.Grains.Revisions;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Watches;

namespace OrleansCoord.Grains.Hosting;

public static class SiloBuilderCoordGridExtensions
{
    /// <summary>
    /// Adds the coordination grid to a silo: the tree store of the chosen profile, the revision clock, the
    /// sweeper, the refusal of outside calls to grid-internal interfaces, and failure detection fast enough for session expiry to hold within timeout + 15 s after a
    /// silo dies. Clustering, streams and the dashboard are the host's business.
    /// </summary>
    public static ISiloBuilder AddCoordGrid(this ISiloBuilder builder, Action<CoordGridOptions>? configure = null)
    {
        var options = builder.Services.AddOptions<CoordGridOptions>();
        if (configure is not null) options.Configure(configure);

        var atBuild = new CoordGridOptions();
        configure?.Invoke(atBuild);
        if (atBuild.GrainDirectory == GrainDirectoryChoice.Distributed) builder.AddDistributedGrainDirectory();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<RevisionClock>(sp => new RevisionClock(sp.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton<ITreeStore>(sp => CreateStore(sp, sp.GetRequiredService<IOptions<CoordGridOptions>>().Value));
        builder.Services.AddSingleton(sp =>
        {
            var grid = sp.GetRequiredService<IOptions<CoordGridOptions>>().Value;
            return new CallerCredentials(sp.GetRequiredService<ITreeStore>(), sp.GetRequiredService<TimeProvider>(), grid.CredentialLifetime, grid.CredentialClockTolerance);
        });
        // The CAs whose client certificates prove x509 identities to sessions (none unless the host says; ADR 017).
        builder.Services.TryAddSingleton(new ClientCertificateAuthorities(null));
        builder.Services.AddSingleton<CertificateIdentities>();
        builder.Services.AddSingleton<SweepShare>();
        // Made at start (a hosted service), so that the session gauges exist before anyone asks.
        builder.Services.AddSingleton(sp => new OrleansCoord.Grains.Sessions.SessionCensus(sp.GetRequiredService<ITreeStore>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OrleansCoord.Grains.Sessions.SessionCensus>());
        builder.Services.AddSingleton<StorageRegressionGuard>();
        builder.Services.AddSingleton<WatchPublisher>();
        builder.Services.AddSingleton<OrleansCoord.Grains.ZNodes.LocalHandoffs>();
        builder.Services.AddHostedService<GridSweeper>();
        // Calls to [GridInternal] interfaces carry a silo's proof; without one (a gateway client's call) they are refused.
        builder.AddOutgoingGrainCallFilter<InternalCallSigner>();
        builder.AddIncomingGrainCallFilter<InternalCallGuard>();

        builder.Configure<ClusterMembershipOptions>(membership =>
        {
            // A dead silo is declared dead after ~3 failed probes 2 s apart instead of ~15 s.
            membership.ProbeTimeout = TimeSpan.FromSeconds(2);
            membership.NumMissedProbesLimit = 3;
            membership.TableRefreshTimeout = TimeSpan.FromSeconds(10);
        });
        return builder;
    }

    private static ITreeStore CreateStore(IServiceProvider services, CoordGridOptions options) =>
        options.Profile == StorageProfile.Memory
            ? MemoryTreeStore.GetShared(options.MemoryStoreName)
            : services.GetKeyedService<TreeStoreFactory>(options.Profile)?.Invoke(options)
              ?? throw new InvalidOperationException(options.Profile == StorageProfile.Postgres
                  ? "the Postgres profile needs UsePostgresStorage (Storage.Postgres) on the silo builder"
                  : $"the {options.Profile} profile needs AddAzureTableTreeStore (Storage.AzureStorage) on the silo builder");
}
