using OrleansCoord.Errors;

namespace OrleansCoord.ZNodes;

/// <summary>
/// The result of one op of a multi, like ZooKeeper's: when the multi fails, the op that failed
/// carries its error, the ops before it <see cref="CoordErrorCode.Ok"/> and the ops after it
/// <see cref="CoordErrorCode.RuntimeInconsistency"/>, and nothing was applied.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record OpResult(
    [property: Id(0)] CoordErrorCode Code,
    [property: Id(1)] string? Path = null,
    [property: Id(2)] Stat? Stat = null,
    [property: Id(3)] string? Detail = null)
{
    public bool IsError => Code != CoordErrorCode.Ok;
}
