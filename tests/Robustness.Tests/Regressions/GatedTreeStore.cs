using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Robustness.Tests.Regressions;

/// <summary>
/// The memory store with an asynchronous hook before each commit. Unlike <see cref="MemoryTreeStore.BeforeCommit"/>,
/// which blocks the calling grain's thread, waiting here lets a reentrant grain take further requests meanwhile, so a
/// test can make writes queue up behind a commit in flight.
/// </summary>
public sealed class GatedTreeStore(MemoryTreeStore inner) : ITreeStore
{
    private static readonly ConcurrentDictionary<string, GatedTreeStore> Stores = new();

    public Func<IReadOnlyList<RecordWrite>, Task>? BeforeCommit { get; set; }

    /// <summary>The store of the cluster with this id (one per cluster, shared by its silos).</summary>
    public static GatedTreeStore For(string clusterId) =>
        Stores.GetOrAdd(clusterId, id => new GatedTreeStore(MemoryTreeStore.GetShared(id)));

    public TreeStoreLimits Limits => inner.Limits;

    public Task<StoredRecord?> ReadAsync(string key, CancellationToken cancellationToken = default) => inner.ReadAsync(key, cancellationToken);

    public Task<List<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListKeysAsync(prefix, cancellationToken);

    public async Task<CommitResult> CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken = default)
    {
        if (BeforeCommit is { } hook) await hook(writes);
        return await inner.CommitAsync(writes, cancellationToken);
    }
}

/// <summary>Puts <see cref="GatedTreeStore"/> in the silos before the grid registers its own store.</summary>
public sealed class GatedStoreConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder) =>
        siloBuilder.Services.AddSingleton<ITreeStore>(sp => GatedTreeStore.For(sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId));
}
