using OrleansCoord.Grains.InternalCalls;
using OrleansCoord.Recipes.Queues;

namespace OrleansCoord.Grains.Recipes.Queues;

/// <summary>The grid's side of a queue: the operator's view (Operator/IGridOperatorGrain) reads its depth whatever the
/// queue's ACL says. Not for clients.</summary>
[GridInternal]
[Alias("coord.queue.maintenance")]
public interface IQueueMaintenanceGrain : IGrainWithStringKey
{
    /// <summary>Messages ready to be taken, and taken but not acked.</summary>
    [Alias("inspect")] Task<QueueLength> Inspect();
}
