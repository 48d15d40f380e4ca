using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Storage.AzureStorage;

namespace OrleansCoord.Robustness.Tests.Cluster;

/// <summary>How a <see cref="FaultyTreeStore"/> fails a commit it was told to fail.</summary>
public enum CommitFault
{
    /// <summary>Throws before the commit reaches storage: nothing applied, outcome reported unknown.</summary>
    FailBeforeApply,

    /// <summary>Applies the commit, then throws as if its reply was lost: applied, outcome reported unknown.</summary>
    LoseReplyAfterApply,

    /// <summary>Applies the commit, then answers a conflict on its first record, as the Azure SDK's resend of a
    /// transaction whose reply was lost would (412/409 although the first attempt applied).</summary>
    ConflictAfterApply,
}

/// <summary>The commit faults of one cluster, switched on and off by a test: while <see cref="Fault"/> is set, every
/// <see cref="FailEvery"/>-th commit of each silo fails that way.</summary>
public sealed class CommitFaults
{
    private static readonly ConcurrentDictionary<string, CommitFaults> Clusters = new();
    private int _failed;

    public CommitFault? Fault { get; set; }

    public int FailEvery { get; set; } = 3;

    /// <summary>Commits failed so far.</summary>
    public int Failed => Volatile.Read(ref _failed);

    public static CommitFaults Of(string clusterId) => Clusters.GetOrAdd(clusterId, _ => new CommitFaults());

    internal void CountFailure() => Interlocked.Increment(ref _failed);
}

/// <summary>A silo's tree store with the cluster's <see cref="CommitFaults"/> applied to its commits. Reads and
/// listings are never touched.</summary>
public sealed class FaultyTreeStore(ITreeStore inner, CommitFaults faults) : ITreeStore
{
    private int _commits;

    public TreeStoreLimits Limits => inner.Limits;

    public Task<StoredRecord?> ReadAsync(string key, CancellationToken cancellationToken = default) => inner.ReadAsync(key, cancellationToken);

    public Task<List<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListKeysAsync(prefix, cancellationToken);

    public async Task<CommitResult> CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken = default)
    {
        var fault = faults.Fault;
        if (fault is null || writes.Count == 0 || Interlocked.Increment(ref _commits) % faults.FailEvery != 0)
            return await inner.CommitAsync(writes, cancellationToken);

        faults.CountFailure();
        if (fault == CommitFault.FailBeforeApply) throw new TreeStoreException("injected: commit failed before it was applied");
        var result = await inner.CommitAsync(writes, cancellationToken);
        if (!result.Committed) return result;
        return fault == CommitFault.LoseReplyAfterApply
            ? throw new TreeStoreException("injected: commit applied, its reply lost")
            : CommitResult.Conflict(writes[0].Key);
    }
}

/// <summary>Puts a <see cref="FaultyTreeStore"/> over the cluster's Azure table into each silo (no faults until a
/// test switches them on).</summary>
public sealed class FaultyStoreConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        var settings = siloBuilder.Configuration;
        var connectionString = settings[GridSiloConfigurator.ConnectionStringKey] ?? throw new InvalidOperationException("no connection string");
        var table = settings[GridSiloConfigurator.TableNameKey] ?? throw new InvalidOperationException("no table name");
        siloBuilder.Services.AddSingleton<ITreeStore>(sp => new FaultyTreeStore(
            new AzureTableTreeStore(connectionString, table), CommitFaults.Of(sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId)));
    }
}
