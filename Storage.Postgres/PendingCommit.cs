using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Storage.Postgres;

/// <summary>One grain's commit waiting in <see cref="PostgresCommitBatcher"/> for the next group transaction.</summary>
internal sealed class PendingCommit(IReadOnlyList<RecordWrite> writes)
{
    public IReadOnlyList<RecordWrite> Writes { get; } = writes;

    /// <summary>Completes with the commit's own result; continuations run off the batcher's loop.</summary>
    public TaskCompletionSource<CommitResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Approximate bytes sent for this commit, for sizing groups.</summary>
    public int Size { get; } = writes.Sum(w => w.Size);
}
