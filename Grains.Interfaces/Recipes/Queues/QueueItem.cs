namespace OrleansCoord.Recipes.Queues;

/// <summary>A message as handed out.</summary>
/// <param name="Id">The message's id in its queue (stable across deliveries).</param>
/// <param name="Delivery">1 on the first hand-out, 2 when it was handed out before and not acked, ...</param>
/// <param name="Receipt">What <see cref="IQueueGrain.Ack"/> takes: names this hand-out of this message.</param>
[GenerateSerializer, Immutable]
public sealed record QueueItem(
    [property: Id(0)] string Id,
    [property: Id(1)] byte[] Data,
    [property: Id(2)] int Priority,
    [property: Id(3)] int Delivery,
    [property: Id(4)] string Receipt);

/// <summary>Messages ready to take, and messages taken but neither acked nor visible again yet.</summary>
[GenerateSerializer, Immutable]
public sealed record QueueLength([property: Id(0)] int Ready, [property: Id(1)] int InFlight);

/// <summary>Bounds of queue requests.</summary>
public static class QueueLimits
{
    /// <summary>Longest one take call waits in the grain; the SDK calls again until the caller's own timeout, so a
    /// wait never comes near the Orleans response timeout.</summary>
    public const int MaxWaitMs = 3_000;

    /// <summary>Longest visibility timeout: 12 hours, as SQS's.</summary>
    public const int MaxVisibilityMs = 12 * 60 * 60 * 1000;

    /// <summary>Most messages one queue may have taken and not acked (their hand-outs are kept in one record); a take
    /// beyond that fails with Throttled until some are acked.</summary>
    public const int MaxInFlight = 10_000;

    /// <summary>Visibility timeout when the caller names none.</summary>
    public const int DefaultVisibilityMs = 30_000;
}
