using Microsoft.Extensions.Logging;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Storage.Records;

namespace OrleansCoord.Grains.Recipes.Records;

/// <summary>
/// The stored state of one recipe object (a counter, a queue's head, a barrier): one JSON record in the tree
/// store under the recipe's own key prefix, kept through the record bridge. Every decision is a commit that replaces
/// this record conditional on the token it was read with, so when two activations of one grain exist, the second to
/// decide fails instead of acknowledging a conflicting decision (docs/adr/008-queue-and-barrier-recipes.md).
/// </summary>
/// <remarks>The stored record carries its commit count (RecipeRecordCodec), so that a store that went back in time is
/// noticed when the record is read back (StorageRegressionGuard). Any doubt (a conflict, a storage failure) retires.</remarks>
/// <param name="retire">Called when the cached state can no longer be trusted: the grain deactivates.</param>
internal sealed class RecipeRecord<TState>
    where TState : class
{
    private readonly RecordBridge<CountedState<TState>> _record;
    private readonly StorageRegressionGuard _regression;
    private readonly Action<CountedState<TState>> _witness;

    public RecipeRecord(ITreeStore store, string key, string subject, Action retire, StorageRegressionGuard regression, ILogger logger)
    {
        _record = new(store, key, subject, RecipeRecordCodec<TState>.Instance, RecordPolicy.RetireOnDoubt, logger, retire);
        _regression = regression;
        _witness = read => regression.Witness(key, read.Commits, subject, "commit");
    }

    /// <summary>The committed state; null before the first decision.</summary>
    public TState? State => _record.Value?.State;

    public string Key => _record.Key;

    /// <summary>Reads the record unless it is cached.</summary>
    public async Task<TState?> LoadAsync()
    {
        _regression.ThrowIfDetected(_record.Subject);
        return (await _record.LoadAsync(_witness))?.State;
    }

    /// <summary>
    /// Commits <paramref name="next"/> together with <paramref name="extra"/> writes. On success the new state is
    /// cached and null is returned. On a conflict nothing was written by this call — unless the store applied
    /// it and then reported a conflict for a retried send — so the record is read again and handed back for the
    /// caller to check whether its request id is in it; either way the grain retires.
    /// </summary>
    public async Task<Conflict?> CommitAsync(TState next, IEnumerable<RecordWrite>? extra = null)
    {
        _regression.ThrowIfDetected(_record.Subject);
        var counted = new CountedState<TState>(next, (_record.Value?.Commits ?? 0) + 1);
        var result = await _record.CommitAsync(counted, [_record.Write(counted), .. extra ?? []]);
        if (result.Committed)
        {
            _regression.Committed(_record.Key, counted.Commits);
            return null;
        }

        _record.Conflicted(result.ConflictKey!);
        return new Conflict((await _record.ReadAsync(_witness))?.State, result.ConflictKey!);
    }

    /// <summary>The grain's cache is void: forget it and retire, so the next call reloads on a fresh activation.</summary>
    public void Forget() => _record.Retire();

    /// <summary>The typed error for a conflict whose request did not land: the SDK retries it.</summary>
    public RetryableConflictException ConflictError(Conflict conflict) =>
        new($"{_record.Subject} was changed by another activation ({conflict.Key}); retry");

    /// <summary>Runs a store call; a storage failure voids the cache, retires and becomes SystemError.</summary>
    public Task<T> Guard<T>(Func<Task<T>> call) => _record.Guard(call);

    /// <summary>A refused commit: the record as it is now (null when absent) and the key whose condition failed.</summary>
    public sealed record Conflict(TState? Current, string Key);
}
