using OrleansCoord.Acls;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>A write waiting in a znode's pipeline, and the promise its caller awaits.</summary>
internal abstract class PendingWrite(long minRevision)
{
    public long MinRevision { get; } = minRevision;

    /// <summary>The identities of the session that sent the write, checked against the ACL when the batch applies it.</summary>
    public AuthId[] Caller { get; init; } = [];

    /// <summary>Records other than the znode's own that this write adds to a commit in the usual case (for batch sizing).</summary>
    public abstract int MaxExtraRecords { get; }

    public abstract void Fail(Exception exception);

    /// <summary>Completes the caller's request once the batch holding this write is durable.</summary>
    public abstract void Succeed();
}

internal abstract class PendingWrite<T>(long minRevision) : PendingWrite(minRevision)
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _completion.Task;

    /// <summary>The result to hand out when the batch commits.</summary>
    public T? Result { get; set; }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);

    public override void Succeed() => _completion.TrySetResult(Result!);
}

internal sealed class PendingCreate(CreateRequest request) : PendingWrite<CreateResult>(request.MinRevision)
{
    public CreateRequest Request { get; } = request;

    /// <summary>The new child's record, once the batch has applied the create.</summary>
    public ZNodeRecord? Record { get; set; }

    /// <summary>The child's record, plus an index row (ephemeral, TTL, container) and a session fence (ephemeral).</summary>
    public override int MaxExtraRecords => Request.Mode.IsEphemeral() ? 3 : Request.Mode.IsTtl() || Request.Mode.IsContainer() ? 2 : 1;
}

internal sealed class PendingSet(byte[]? data, int version, long minRevision) : PendingWrite<Stat>(minRevision)
{
    /// <summary>The new data; null is kept as null.</summary>
    public byte[]? Data { get; } = data;

    public int Version { get; } = version;

    public override int MaxExtraRecords => 0;
}

internal sealed class PendingSetAcl(AclEntry[] acl, int version, long minRevision) : PendingWrite<Stat>(minRevision)
{
    public AclEntry[] Acl { get; } = acl;

    public int Version { get; } = version;

    public override int MaxExtraRecords => 0;
}

/// <summary>Delete of a child; <see cref="OwnerFilter"/> limits it to an ephemeral of that session.</summary>
internal sealed class PendingDelete(string name, int version, long minRevision, long ownerFilter) : PendingWrite<bool>(minRevision)
{
    public string Name { get; } = name;

    public int Version { get; } = version;

    public long OwnerFilter { get; } = ownerFilter;

    /// <summary>The revision of the delete, once the batch has applied it.</summary>
    public long Revision { get; set; }

    /// <summary>
    /// The child's record. A child with an index row (ephemeral, TTL, container) needs one more, which the parent
    /// learns only when the child has prepared; a batch without room for it defers the delete to the next batch.
    /// </summary>
    public override int MaxExtraRecords => 1;
}
