namespace OrleansCoord.Grains.Storage;

/// <summary>
/// The durable store of the tree, its sessions and indexes: small records under string keys with
/// conditional, all-or-nothing multi-record commits. Implementations batch concurrent commits.
/// </summary>
/// <remarks>A failure other than a conflict (storage unreachable) throws <see cref="TreeStoreException"/>;
/// then the outcome of the commit is unknown.</remarks>
public interface ITreeStore
{
    Task<StoredRecord?> ReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The keys that start with <paramref name="prefix"/>, in ordinal order.</summary>
    Task<List<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies all writes or none. At most <see cref="TreeStoreLimits.MaxRecordsPerCommit"/> of <see cref="Limits"/>
    /// records, each key once (repeated touches of a key count as one); more is a caller's bug and throws.
    /// </summary>
    Task<CommitResult> CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken = default);

    /// <summary>What one commit may hold on this store (its transactions' bounds), and so what a multi may carry.</summary>
    TreeStoreLimits Limits { get; }
}

/// <summary>The store could not be reached or refused a request for a reason other than a conflict.</summary>
public sealed class TreeStoreException(string message, Exception? inner = null) : Exception(message, inner);
