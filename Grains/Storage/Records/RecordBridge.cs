using Microsoft.Extensions.Logging;

namespace OrleansCoord.Grains.Storage.Records;

/// <summary>
/// One grain's cached record in the tree store, as Orleans' StateStorageBridge is one over IGrainStorage: the record as
/// last read or committed with its token, loaded once, written conditional on that token, and voided (per
/// <see cref="RecordPolicy"/>) when the store fails or another writer got there first (docs/adr/003-atomic-writes.md).
/// </summary>
/// <remarks>Not thread-safe: the grain's turns (and its gate, where it is reentrant) serialise the calls. A read
/// that a commit or a forget of this activation overtook is older, rightly, and is not cached.</remarks>
/// <param name="subject">What logs and errors name (the path, the recipe).</param>
/// <param name="retire">Deactivates the grain; called when the policy retires.</param>
/// <param name="forgotten">Drops what the grain keeps beside the record (a znode's children and hand-offs).</param>
internal sealed partial class RecordBridge<T>(ITreeStore store, string key, string subject, IRecordCodec<T> codec, RecordPolicy policy,
    ILogger logger, Action? retire = null, Action? forgotten = null)
    where T : class
{
    // Bumped by every adoption and every forget, so that a read that started before one of them is not cached after it.
    private long _epoch;

    public string Key => key;

    public string Subject => subject;

    /// <summary>The cached record; null when absent or not loaded.</summary>
    public T? Value { get; private set; }

    /// <summary>The token the cached record was read or committed with; null when absent or not loaded.</summary>
    public string? Token { get; private set; }

    public bool Loaded { get; private set; }

    /// <summary>Reads the record unless it is cached; <paramref name="witness"/> checks a record read back before it is
    /// cached (StorageRegressionGuard).</summary>
    public async Task<T?> LoadAsync(Action<T>? witness = null, CancellationToken cancellationToken = default)
    {
        while (!Loaded)
        {
            var epoch = _epoch;
            var stored = await Guard(() => store.ReadAsync(key, cancellationToken));
            var value = stored is null ? null : codec.Decode(stored.Value);
            if (epoch != _epoch) continue;
            if (value is not null) witness?.Invoke(value);
            (Value, Token, Loaded) = (value, stored?.Token, true);
        }

        return Value;
    }

    /// <summary>Reads the record as stored now, without caching it (a conflict's read-back).</summary>
    public async Task<T?> ReadAsync(Action<T>? witness = null)
    {
        var stored = await Guard(() => store.ReadAsync(key));
        if (stored is null) return null;
        var value = codec.Decode(stored.Value);
        witness?.Invoke(value);
        return value;
    }

    /// <summary>The record's token as stored now (null when absent): tells whether the cache is still current.</summary>
    public async Task<string?> ReadTokenAsync() => (await Guard(() => store.ReadAsync(key)))?.Token;

    /// <summary>Reads the record and caches what it finds, absence too.</summary>
    public async Task<T?> ReloadAsync(Action<T>? witness = null)
    {
        var stored = await Guard(() => store.ReadAsync(key));
        var value = stored is null ? null : codec.Decode(stored.Value);
        if (value is not null) witness?.Invoke(value);
        Adopt(value, stored?.Token);
        return value;
    }

    /// <summary>The conditional write of <paramref name="next"/>: an insert when the record is absent, else a replace
    /// conditional on the cached token.</summary>
    public RecordWrite Write(T next) =>
        Token is null ? RecordWrite.Insert(key, codec.Encode(next)) : RecordWrite.Replace(key, codec.Encode(next), Token);

    /// <summary>Commits <paramref name="writes"/>, which write this record as <paramref name="next"/>; on success caches
    /// <paramref name="next"/> with its new token. A conflict is returned for the caller to handle
    /// (<see cref="Conflicted"/> for one on this record).</summary>
    public async Task<CommitResult> CommitAsync(T next, IReadOnlyList<RecordWrite> writes)
    {
        var result = await Guard(() => store.CommitAsync(writes));
        if (result.Committed) Adopt(next, result.Tokens![key]);
        return result;
    }

    /// <summary>Caches <paramref name="value"/> (null: absent) with <paramref name="token"/>, as committed or read.</summary>
    public void Adopt(T? value, string? token)
    {
        (Value, Token, Loaded) = (value, token, true);
        _epoch++;
    }

    /// <summary>Voids the cache; the next load reads the store.</summary>
    public void Forget()
    {
        (Value, Token, Loaded) = (null, null, false);
        _epoch++;
        forgotten?.Invoke();
    }

    /// <summary>Voids the cache and retires the activation, so the next call reloads on a fresh one.</summary>
    public void Retire()
    {
        Forget();
        retire?.Invoke();
    }

    /// <summary>Storage holds something this activation did not write (<paramref name="conflictKey"/>): the cache is
    /// void, and the activation retires or stays as the policy says.</summary>
    public void Conflicted(string conflictKey)
    {
        LogConflict(logger, subject, conflictKey, policy.RetireOnConflict ? "retiring" : "reloading");
        if (policy.RetireOnConflict) Retire();
        else Forget();
    }

    /// <summary>Runs a store call; a storage failure voids the cache (as the policy says) and becomes the typed
    /// Unavailable error.</summary>
    public async Task<TResult> Guard<TResult>(Func<Task<TResult>> call)
    {
        try
        {
            return await call();
        }
        catch (TreeStoreException exception)
        {
            Failed(exception);
            throw TreeStoreErrors.Unavailable(subject, exception);
        }
    }

    private void Failed(TreeStoreException exception)
    {
        if (!policy.ForgetOnFailure) return; // the caller reports it
        LogStorageFailed(logger, subject, policy.RetireOnFailure ? "forgetting the cached record and retiring" : "forgetting the cached record",
            exception);
        if (policy.RetireOnFailure) Retire();
        else Forget();
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Subject}: conditional write refused on {Key}; another activation or writer wrote first, {Outcome}")]
    private static partial void LogConflict(ILogger logger, string subject, string key, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Subject}: storage failed; {Outcome}")]
    private static partial void LogStorageFailed(ILogger logger, string subject, string outcome, Exception exception);
}
