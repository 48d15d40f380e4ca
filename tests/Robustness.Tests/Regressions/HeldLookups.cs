using System.Collections.Concurrent;
using Orleans.TestingHost;

namespace OrleansCoord.Robustness.Tests.Regressions;

/// <summary>
/// Holds the answer of one parent's <c>HasChild</c> for a child name on its way back to the asking child, after the
/// parent computed it: the child's load stays in flight with what the parent said at that moment.
/// </summary>
public sealed class HeldLookups : IOutgoingGrainCallFilter
{
    private static readonly ConcurrentDictionary<string, Hold> Holds = new(StringComparer.Ordinal);

    /// <summary>Holds the next lookup of <paramref name="childName"/>; later ones pass.</summary>
    public static Hold For(string childName) => Holds[childName] = new Hold(childName);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        // The request's arguments are read before it is sent: Orleans recycles the request once it is answered.
        var name = context.InterfaceMethod?.Name == "HasChild" && context.Request is { } request ? request.GetArgument(0) as string : null;
        await context.Invoke();
        if (name is not null && Holds.TryRemove(name, out var hold))
        {
            hold.Reached.TrySetResult();
            await hold.Released.Task;
        }
    }

    public sealed class Hold(string childName) : IDisposable
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Dispose()
        {
            Holds.TryRemove(childName, out _);
            Released.TrySetResult();
        }
    }
}

public sealed class HeldLookupsConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddOutgoingGrainCallFilter<HeldLookups>();
}
