namespace OrleansCoord.Grains.Storage.Records;

/// <summary>What a <see cref="RecordBridge{T}"/> does with its cached record when the store fails or refuses a write
/// of it. A storage failure always becomes the typed Unavailable error (TreeStoreErrors).</summary>
/// <param name="ForgetOnFailure">A storage failure voids the cache (the outcome of a commit is unknown). Off only where
/// the cached record is the grain's own life rather than a cache (sessions: a failed renewal keeps the session, and the
/// next conditional write finds out what landed).</param>
/// <param name="RetireOnFailure">A storage failure also retires the activation.</param>
/// <param name="RetireOnConflict">A conflict on the record retires the activation; otherwise it stays and reloads. Znodes
/// stay: retiring deadlocked a child that asks its deactivating parent (ZNodeGrain.StoreCall).</param>
internal sealed record RecordPolicy(bool ForgetOnFailure, bool RetireOnFailure, bool RetireOnConflict)
{
    /// <summary>Recipe records (counters, queues, barriers): any doubt retires the activation.</summary>
    public static readonly RecordPolicy RetireOnDoubt = new(true, true, true);

    /// <summary>Leases: a storage failure voids the cache, a conflict retires.</summary>
    public static readonly RecordPolicy RetireOnConflictOnly = new(true, false, true);

    /// <summary>Znodes: a storage failure or a conflict voids the cache; the activation stays.</summary>
    public static readonly RecordPolicy Stay = new(true, false, false);

    /// <summary>Sessions: the record is kept through a storage failure; the caller decides on conflicts.</summary>
    public static readonly RecordPolicy Keep = new(false, false, false);
}
