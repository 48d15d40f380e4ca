using OrleansCoord.Recipes.Acls;

namespace OrleansCoord.Recipes.Queues;

/// <summary>
/// A durable queue, keyed by its name, with at-least-once delivery: a taken message stays invisible for its
/// visibility timeout and is deleted by <see cref="Ack"/>; a message not acked in time becomes visible again and is
/// handed to the next taker. Higher priorities are taken first; within one priority, first in first out.
/// Every put, hand-out and ack is durable before it is acknowledged.
/// </summary>
/// <remarks><c>requestId</c> identifies one client request, so that a write whose storage outcome was ambiguous
/// is recognised as applied rather than applied twice.</remarks>
[Alias("coord.recipes.queue")]
public interface IQueueGrain : IGrainWithStringKey, IRecipeAclGrain
{
    /// <summary>Appends a message; returns its id.</summary>
    [Alias("put")] Task<string> Put(Guid requestId, byte[] data, int priority);

    /// <summary>
    /// Hands out the next visible message for <paramref name="visibilityMs"/>, waiting up to
    /// <paramref name="waitMs"/> (at most <see cref="QueueLimits.MaxWaitMs"/>) for one; null when none came.
    /// </summary>
    [Alias("take")] Task<QueueItem?> Take(Guid requestId, int visibilityMs, int waitMs);

    /// <summary>Deletes a taken message. Fails with NoNode unless <paramref name="receipt"/> is its latest hand-out.</summary>
    [Alias("ack")] Task Ack(Guid requestId, string receipt);

    /// <summary>Gives a taken message back at once (visible again) instead of after its visibility timeout.</summary>
    [Alias("release")] Task Release(Guid requestId, string receipt);

    /// <summary>How many messages are ready to take and how many are taken but not acked.</summary>
    [Alias("length")] Task<QueueLength> Length();

    /// <summary>The message the next take would hand out, without taking it (its receipt is empty); null when none is ready.</summary>
    [Alias("peek")] Task<QueueItem?> Peek();
}
