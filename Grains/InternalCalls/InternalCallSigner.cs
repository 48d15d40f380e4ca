using OrleansCoord.Grains.Identities;

namespace OrleansCoord.Grains.InternalCalls;

/// <summary>
/// Outgoing filter of every silo: a call from this silo (a grain, or silo-hosted code such as the ZooKeeper front end
/// and the sweeper, which share the silo's grain factory) to a grid-internal interface gets an
/// <see cref="InternalCallProof"/>. Clients do not run it and have no key.
/// </summary>
internal sealed class InternalCallSigner(CallerCredentials keys, TimeProvider time) : IOutgoingGrainCallFilter
{
    public Task Invoke(IOutgoingGrainCallContext context) =>
        GridInternalAttribute.IsInternal(context.InterfaceMethod) ? SignAsync(context) : context.Invoke();

    private async Task SignAsync(IOutgoingGrainCallContext context)
    {
        await keys.ReadyAsync();
        // Set only for this call: a change to the request context inside this async method does not flow back to the
        // caller, so the proof never sits in a grain's ambient context (where streams or later calls could carry it).
        RequestContext.Set(InternalCallProof.ContextKey,
            InternalCallProof.Make(keys, time.GetUtcNow(), context.InterfaceType.ToString(), context.MethodName, context.TargetId));
        await context.Invoke();
    }
}
