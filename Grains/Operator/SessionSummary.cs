namespace OrleansCoord.Grains.Operator;

/// <summary>
/// A live session as the operator sees it: its negotiated timeout, whether it is being closed, the silo its grain is
/// active on (null when none is: a silo died and the sweeper has not woken it yet), its ephemerals (the first
/// <see cref="MaxEphemerals"/> in path order, and how many there are) and the recipes it holds something in
/// (grain keys <c>Kind:name</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("coord.operator.session")]
public sealed record SessionSummary(
    [property: Id(0)] long Id,
    [property: Id(1)] int TimeoutMs,
    [property: Id(2)] bool Closing,
    [property: Id(3)] string? Silo,
    [property: Id(4)] string[] Ephemerals,
    [property: Id(5)] int EphemeralCount,
    [property: Id(6)] string[] Holds)
{
    /// <summary>How many ephemeral paths one summary carries.</summary>
    public const int MaxEphemerals = 100;
}

/// <summary>One page of live sessions and how many there are in all.</summary>
[GenerateSerializer, Immutable, Alias("coord.operator.session-page")]
public sealed record SessionPage([property: Id(0)] SessionSummary[] Sessions, [property: Id(1)] int Total);
