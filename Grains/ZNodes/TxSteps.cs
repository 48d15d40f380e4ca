using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>One step a znode takes in a transaction (a multi, or the delete of a child by its parent).</summary>
[GenerateSerializer, Immutable]
public abstract record TxStep
{
    /// <summary>
    /// Not the znode's first step in this transaction: a participant that is not in it (it gave up waiting, or it is a
    /// new activation after a silo died) lost the earlier steps' draft, and refuses rather than join anew with a part.
    /// </summary>
    [Id(0)] public bool Continues { get; init; }
}

/// <summary>As parent: add a child (the name gets the sequence number for sequential modes).</summary>
[GenerateSerializer, Immutable]
public sealed record CreateChildStep([property: Id(0)] CreateRequest Request, [property: Id(1)] long Revision, [property: Id(2)] long NowMs) : TxStep;

/// <summary>As child: come into existence with this record.</summary>
[GenerateSerializer, Immutable]
public sealed record BecomeCreatedStep([property: Id(0)] ZNodeRecord Record) : TxStep;

/// <summary>As parent: drop a child.</summary>
[GenerateSerializer, Immutable]
public sealed record DeleteChildStep([property: Id(0)] string Name, [property: Id(1)] long Revision) : TxStep;

/// <summary>As child: go away if the version matches and there are no children (and, if set, the owner matches).</summary>
[GenerateSerializer, Immutable]
public sealed record DeleteSelfStep([property: Id(0)] int Version, [property: Id(1)] long OwnerFilter = 0) : TxStep;

[GenerateSerializer, Immutable]
public sealed record SetDataStep([property: Id(0)] byte[]? Data, [property: Id(1)] int Version, [property: Id(2)] long Revision, [property: Id(3)] long NowMs) : TxStep;

[GenerateSerializer, Immutable]
public sealed record CheckStep([property: Id(0)] int Version) : TxStep;

/// <summary>What a step produced: the path and record of a created child, or the znode's record after the step.</summary>
[GenerateSerializer, Immutable]
public sealed record TxStepResult([property: Id(0)] string? Path, [property: Id(1)] ZNodeRecord? Record);

/// <summary>How a transaction ended, as its coordinator tells the participants.</summary>
public enum TxOutcome
{
    Committed,
    Aborted,

    /// <summary>The coordinator does not know (storage failed mid-commit): the participant reads storage.</summary>
    Unknown,
}

/// <summary>A participant's revision is not below the transaction's; the coordinator retries with a later one.</summary>
[GenerateSerializer]
public sealed class RevisionBehindException(long revision) : Exception($"revision must exceed {revision}")
{
    [Id(0)] public long Revision { get; } = revision;
}
