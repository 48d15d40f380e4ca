using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Grains.Recipes.Records;

/// <summary>
/// Requests of one recipe grain that queue for its gate and are decided in groups, one commit of the recipe record
/// per group (docs/adr/008-queue-and-barrier-recipes.md): whoever gets the gate decides the oldest waiting requests in
/// arrival order, group after group, until its own is decided, so requests that queued while a commit was in flight
/// share the next one. A commit the store refuses answers each request of its group from the stored record's recent
/// request ids (it landed, a retried send) or else with the record's retryable conflict error.
/// </summary>
/// <param name="gate">The grain's gate, which its other decisions hold too.</param>
/// <param name="recentOf">The recent requests a stored state keeps.</param>
/// <param name="decide">Decides a group on the state it loads: sets each request's answer and returns what to commit,
/// or null when the group changes nothing (the answers are then given at once).</param>
/// <param name="joins">Whether the next waiting request still fits the group; the request window bounds it always.</param>
internal sealed class GroupedDecisions<TState, TRequest, TOutcome>(
    SemaphoreSlim gate,
    RecipeRecord<TState> record,
    Func<TState, IEnumerable<RecentRequest<TOutcome>>?> recentOf,
    Func<IReadOnlyList<TRequest>, Task<GroupCommit<TState>?>> decide,
    Func<IReadOnlyList<TRequest>, TRequest, bool>? joins = null)
    where TState : class
    where TRequest : PendingRequest<TOutcome>
{
    private readonly Queue<TRequest> _pending = new();

    /// <summary>Queues <paramref name="request"/> and answers it once its group is decided.</summary>
    public async Task<TOutcome> DecideAsync(TRequest request)
    {
        _pending.Enqueue(request);
        await gate.WaitAsync();
        try
        {
            while (!request.Decided.Task.IsCompleted) await DecideGroupAsync();
        }
        finally
        {
            gate.Release();
        }

        return await request.Decided.Task;
    }

    private async Task DecideGroupAsync()
    {
        var group = TakeGroup();
        try
        {
            var commit = await decide(group);
            if (commit is not null && await record.CommitAsync(commit.Next, commit.Writes) is { } conflict)
            {
                // No answer from this activation's view: a request of the group may still have landed (a retried send).
                var stored = conflict.Current is { } current ? recentOf(current) : null;
                foreach (var request in group)
                {
                    if (RecentRequests.Find(stored, request.RequestId) is { } landed) request.Decided.TrySetResult(landed.Outcome);
                    else request.Decided.TrySetException(record.ConflictError(conflict));
                }

                return;
            }

            foreach (var request in group) request.GiveAnswer();
            commit?.Committed?.Invoke();
        }
        catch (Exception exception)
        {
            foreach (var request in group) request.Decided.TrySetException(exception);
        }
    }

    /// <summary>The oldest waiting requests that fit one commit: at most the request window, so that each request's
    /// outcome stays findable in the stored record after a conflict.</summary>
    private List<TRequest> TakeGroup()
    {
        var group = new List<TRequest>();
        while (group.Count < RecentRequests.Window && _pending.TryPeek(out var next) && (joins?.Invoke(group, next) ?? true)) group.Add(_pending.Dequeue());
        return group;
    }
}

/// <summary>What a group's decision commits: the recipe's next state, other records written in the same commit, and
/// what the grain does once the commit is made (after the group's answers are given).</summary>
internal sealed record GroupCommit<TState>(TState Next, IEnumerable<RecordWrite>? Writes = null, Action? Committed = null);

/// <summary>A request waiting in <see cref="GroupedDecisions{TState,TRequest,TOutcome}"/>. Its group's decision answers it:
/// <see cref="Answer"/> and <see cref="Fail"/> are given when the group's commit is made (or when the group commits
/// nothing) and give way to the stored outcome or the conflict error when it is refused; <see cref="FailAlone"/> is final.</summary>
internal abstract record PendingRequest<TOutcome>(Guid RequestId)
{
    private (bool Set, TOutcome? Outcome, Exception? Error) _answer;

    internal TaskCompletionSource<TOutcome> Decided { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The request's outcome, once its group commits.</summary>
    public void Answer(TOutcome outcome) => _answer = (true, outcome, null);

    /// <summary>The request's error (it changes nothing), once its group commits.</summary>
    public void Fail(Exception error) => _answer = (true, default, error);

    /// <summary>Fails the request now, whatever becomes of its group's commit: one caller's refusal is not the others'.</summary>
    public void FailAlone(Exception error) => Decided.TrySetException(error);

    internal void GiveAnswer()
    {
        if (_answer is { Set: true, Error: { } error }) Decided.TrySetException(error);
        else if (_answer.Set) Decided.TrySetResult(_answer.Outcome!);
        else Decided.TrySetException(new InvalidOperationException($"request {RequestId} was in a group but its decision gave it no answer"));
    }
}
