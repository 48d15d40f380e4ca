using OrleansCoord.Errors;
using OrleansCoord.Recipes;
using OrleansCoord.Recipes.Queues;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Client.Recipes;

/// <summary>
/// Durable queues by name with at-least-once delivery: <see cref="TakeAsync"/> hands a message out for a visibility
/// timeout, <see cref="AckAsync"/> deletes it; a message not acked in time (its consumer died) is handed out again.
/// Higher priorities first, then first in first out. Reach them through <see cref="CoordClient.Queues"/>.
/// </summary>
public sealed class QueueRecipes
{
    private const string Kind = "queue";
    private readonly CoordClient _client;

    internal QueueRecipes(CoordClient client) => _client = client;

    /// <summary>Appends a message (at most 1 MiB) and returns its id.</summary>
    /// <remarks>A put that fails with ConnectionLoss may or may not have been applied.</remarks>
    public Task<string> PutAsync(string name, byte[] data, int priority = 0, CancellationToken cancellationToken = default)
    {
        Validate(name);
        if (data is null or { Length: > ZNodeLimits.MaxDataLength })
            throw CoordException.BadArguments(Subject(name), $"a message holds at most {ZNodeLimits.MaxDataLength} bytes");
        var requestId = Guid.NewGuid();
        return Run(name, idempotent: false, () => Grain(name).Put(requestId, data, priority), cancellationToken);
    }

    /// <summary>
    /// Takes the next message, waiting up to <paramref name="timeout"/> for one (zero: do not wait;
    /// <see cref="Timeout.InfiniteTimeSpan"/>: until cancelled); null when none came in time. The message stays
    /// invisible to other takers for <paramref name="visibility"/> (default 30 s); ack it before then.
    /// </summary>
    /// <remarks>The wait is a series of grain calls of at most <see cref="QueueLimits.MaxWaitMs"/> each, so it is not
    /// bounded by the request timeout. A poll whose reply is lost may leave a message taken by nobody; it is handed
    /// out again after its visibility timeout, never lost.</remarks>
    public async Task<QueueItem?> TakeAsync(string name, TimeSpan timeout, TimeSpan? visibility = null, CancellationToken cancellationToken = default)
    {
        Validate(name);
        var poll = LongPoll.Start(Subject(name), timeout);
        var visibilityMs = visibility is { } v ? v.TotalMilliseconds : QueueLimits.DefaultVisibilityMs;
        if (visibilityMs is < 1 or > QueueLimits.MaxVisibilityMs)
            throw CoordException.BadArguments(Subject(name), $"visibility timeout must be 1 ms to {QueueLimits.MaxVisibilityMs / 1000} s, got {visibility}");

        while (true)
        {
            var waitMs = poll.NextWaitMs(_client.RecipePollWaitMs(QueueLimits.MaxWaitMs));
            var requestId = Guid.NewGuid();
            var item = await Run(name, idempotent: true, () => Grain(name).Take(requestId, (int)visibilityMs, waitMs), cancellationToken);
            if (item is not null)
            {
                if (!cancellationToken.IsCancellationRequested) return item;
                await ReleaseQuietlyAsync(name, item); // The caller gave up while it was handed out: give it back.
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (poll.Expired) return null;
        }
    }

    /// <summary>Deletes a taken message. NoNode when the receipt is not the message's latest hand-out (it was acked,
    /// or its visibility timeout passed and another taker has it).</summary>
    public Task AckAsync(string name, string receipt, CancellationToken cancellationToken = default)
    {
        Validate(name);
        var requestId = Guid.NewGuid();
        return Run(name, idempotent: false, async () => { await Grain(name).Ack(requestId, receipt); return 0; }, cancellationToken);
    }

    /// <summary>Gives a taken message back now, for the next taker.</summary>
    public Task ReleaseAsync(string name, string receipt, CancellationToken cancellationToken = default)
    {
        Validate(name);
        var requestId = Guid.NewGuid();
        return Run(name, idempotent: false, async () => { await Grain(name).Release(requestId, receipt); return 0; }, cancellationToken);
    }

    /// <summary>Messages ready to take and messages taken but not acked.</summary>
    public Task<QueueLength> LengthAsync(string name, CancellationToken cancellationToken = default)
    {
        Validate(name);
        return Run(name, idempotent: true, () => Grain(name).Length(), cancellationToken);
    }

    /// <summary>The message the next take would hand out, without taking it; null when none is ready.</summary>
    public Task<QueueItem?> PeekAsync(string name, CancellationToken cancellationToken = default)
    {
        Validate(name);
        return Run(name, idempotent: true, () => Grain(name).Peek(), cancellationToken);
    }

    private async Task ReleaseQuietlyAsync(string name, QueueItem item)
    {
        try
        {
            await ReleaseAsync(name, item.Receipt, CancellationToken.None);
        }
        catch (CoordException)
        {
            // It comes back after its visibility timeout anyway.
        }
    }

    private Task<T> Run<T>(string name, bool idempotent, Func<Task<T>> request, CancellationToken cancellationToken) =>
        _client.RunRecipeCall(Subject(name), idempotent, request, cancellationToken);

    private IQueueGrain Grain(string name) => _client.RecipeGrainFactory.GetStringKeyGrain<IQueueGrain>(name);

    private static void Validate(string name) => RecipeNameRules.Validate(Kind, name);

    private static string Subject(string name) => RecipeNameRules.Subject(Kind, name);
}
