using Microsoft.Extensions.Logging;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Identities;

namespace OrleansCoord.Grains.InternalCalls;

/// <summary>
/// Incoming filter of every silo: a call to a grid-internal interface runs only with a verifying
/// <see cref="InternalCallProof"/>, i.e. when a silo of this grid made it. Anything else (a gateway client that
/// references the Grains assembly, with or without a forged sender) is refused with NoAuth before the grain runs.
/// </summary>
internal sealed partial class InternalCallGuard(CallerCredentials keys, TimeProvider time, ILogger<InternalCallGuard> logger)
    : IIncomingGrainCallFilter
{
    // Not async for the calls it lets through: a state machine per grain call showed in the silo's profile.
    public Task Invoke(IIncomingGrainCallContext context) =>
        GridInternalAttribute.IsInternal(context.InterfaceMethod) ? GuardAsync(context) : context.Invoke();

    private async Task GuardAsync(IIncomingGrainCallContext context)
    {
        await keys.ReadyAsync();
        var proof = RequestContext.Get(InternalCallProof.ContextKey);
        var name = context.InterfaceType.ToString();
        if (!InternalCallProof.Verifies(keys, time.GetUtcNow(), proof, name, context.MethodName, context.TargetId))
        {
            // Orleans' SourceId is whatever the sender wrote in the message header: logged, never trusted.
            LogRefused(logger, name, context.MethodName, context.TargetId, context.SourceId);
            throw CoordException.NoAuth(context.TargetId.ToString(),
                $"{name}.{context.MethodName} is internal to the grid: only its silos may call it");
        }

        // The grain and whatever it calls next do not carry the proof on.
        RequestContext.Remove(InternalCallProof.ContextKey);
        await context.Invoke();
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Refused a call to internal {Interface}.{Method} on {Target} without a silo's proof (sender claims {Source})")]
    private static partial void LogRefused(ILogger logger, string @interface, string method, GrainId target, GrainId? source);
}
