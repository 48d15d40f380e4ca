using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Grains.Recipes.Records;

/// <summary>
/// The stored state of one recipe object (a counter, a queue's head, a barrier): one JSON record in the tree
/// store under the recipe's own key prefix. Every decision is a commit that replaces this record conditional on
/// the token it was read with, so when two activations of one grain exist, the second to decide fails instead of
/// acknowledging a conflicting decision (docs/adr/008-queue-and-barrier-recipes.md).
/// </summary>
/// <remarks>The stored JSON carries the record's commit count (<c>$commits</c>; absent, i.e. 0, in records written before
/// it existed), so that a store that went back in time is noticed when the record is read back (StorageRegressionGuard).</remarks>
/// <param name="retire">Called when the cached state can no longer be trusted: the grain deactivates.</param>
internal sealed partial class RecipeRecord<TState>(ITreeStore store, string key, string subject, Action retire, StorageRegressionGuard regression, ILogger logger)
    where TState : class
{
    private const string CommitsProperty = "$commits";
    private string? _token;
    private bool _loaded;
    private long _commits;

    // Bumped by every commit and every Forget, so that a read that started before one of them is not cached after it.
    private long _epoch;

    /// <summary>The committed state; null before the first decision.</summary>
    public TState? State { get; private set; }

    public string Key => key;

    /// <summary>Reads the record unless it is cached.</summary>
    public async Task<TState?> LoadAsync()
    {
        regression.ThrowIfDetected(subject);
        while (!_loaded)
        {
            var epoch = _epoch;
            var stored = await Guard(() => store.ReadAsync(key));
            var (state, commits) = stored is null ? (null, 0) : Decode(stored.Value);
            if (epoch != _epoch) continue; // a commit of this activation during the read: the read is older, rightly
            if (stored is not null) regression.Witness(key, commits, subject, "commit");
            (State, _token, _commits, _loaded) = (state, stored?.Token, commits, true);
        }

        return State;
    }

    /// <summary>
    /// Commits <paramref name="next"/> together with <paramref name="extra"/> writes. On success the new state is
    /// cached and null is returned. On a conflict nothing was written by this call — unless the store applied
    /// it and then reported a conflict for a retried send — so the record is read again and handed back for the
    /// caller to check whether its request id is in it; either way the grain retires.
    /// </summary>
    public async Task<Conflict?> CommitAsync(TState next, IEnumerable<RecordWrite>? extra = null)
    {
        regression.ThrowIfDetected(subject);
        var commits = _commits + 1;
        var head = State is null || _token is null
            ? RecordWrite.Insert(key, Encode(next, commits))
            : RecordWrite.Replace(key, Encode(next, commits), _token);
        var result = await Guard(() => store.CommitAsync([head, .. extra ?? []]));
        if (result.Committed)
        {
            regression.Committed(key, commits);
            (State, _token, _commits, _loaded) = (next, result.Tokens![key], commits, true);
            _epoch++;
            return null;
        }

        LogConflict(logger, subject, result.ConflictKey!);
        Forget();
        var stored = await Guard(() => store.ReadAsync(key));
        if (stored is null) return new Conflict(null, result.ConflictKey!);
        var (current, storedCommits) = Decode(stored.Value);
        regression.Witness(key, storedCommits, subject, "commit");
        return new Conflict(current, result.ConflictKey!);
    }

    /// <summary>The grain's cache is void: forget it and retire, so the next call reloads on a fresh activation.</summary>
    public void Forget()
    {
        (State, _token, _commits, _loaded) = (null, null, 0, false);
        _epoch++;
        retire();
    }

    /// <summary>The typed error for a conflict whose request did not land: the SDK retries it.</summary>
    public RetryableConflictException ConflictError(Conflict conflict) =>
        new($"{subject} was changed by another activation ({conflict.Key}); retry");

    /// <summary>Runs a store call; a storage failure voids the cache and becomes SystemError.</summary>
    public async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (TreeStoreException exception)
        {
            LogStorageFailed(logger, subject, exception);
            Forget();
            throw TreeStoreErrors.Unavailable(subject, exception);
        }
    }

    private static byte[] Encode(TState state, long commits)
    {
        var json = JsonSerializer.SerializeToNode(state)?.AsObject() ?? throw new InvalidDataException("a recipe state serialized to null");
        json[CommitsProperty] = commits;
        return JsonSerializer.SerializeToUtf8Bytes(json);
    }

    private static (TState State, long Commits) Decode(byte[] value)
    {
        var json = JsonNode.Parse(value)?.AsObject() ?? throw new InvalidDataException("empty recipe record");
        var commits = json.Remove(CommitsProperty, out var stored) && stored is not null ? stored.GetValue<long>() : 0;
        return (json.Deserialize<TState>() ?? throw new InvalidDataException("empty recipe record"), commits);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Subject}: conditional write of {Key} refused; another activation decided first, retiring")]
    private static partial void LogConflict(ILogger logger, string subject, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Subject}: storage failed; forgetting the cached state and retiring")]
    private static partial void LogStorageFailed(ILogger logger, string subject, Exception exception);

    /// <summary>A refused commit: the record as it is now (null when absent) and the key whose condition failed.</summary>
    public sealed record Conflict(TState? Current, string Key);
}
