using Microsoft.Extensions.Logging.Abstractions;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Recipes.Records;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Grains.Tests.Recipes;

/// <summary>
/// The group decisions that counters and queue puts share (<see cref="GroupedDecisions{TState,TRequest,TOutcome}"/>),
/// on a tally recipe of their own: what a group answers when the store refuses its commit.
/// </summary>
public sealed class GroupedDecisionsTests
{
    [Fact]
    public async Task Conflict_OnACommitThatLanded_AnswersEachRequestOfTheGroupFromTheStoredRecord()
    {
        // The store applies the group's commit and then reports a conflict, as a resent transaction would.
        var store = new ConflictAfterApplyStore(new MemoryTreeStore()) { ConflictNext = true };
        var tally = new Tally(store);

        var answers = await tally.DecideTogetherAsync(new TallyAdd(Guid.NewGuid(), 1), new TallyAdd(Guid.NewGuid(), 2), new TallyAdd(Guid.NewGuid(), 3));

        // One group, one commit; each request is answered with the outcome recorded for it, none applied twice.
        Assert.Equal(1, tally.Groups);
        Assert.Equal([1L, 3L, 6L], answers.Select(a => a.Result));
        Assert.Equal(6, (await new Tally(store).Record.LoadAsync())!.Value);
    }

    [Fact]
    public async Task Conflict_WithAnotherWriter_FailsTheGroupRetryably_ExceptARequestThatFailedAlone()
    {
        var store = new MemoryTreeStore();
        var tally = new Tally(store)
        {
            // Another activation commits the record between this group's read and its commit.
            BeforeCommit = async () => Assert.Null(await new Tally(store).Record.CommitAsync(new TallyState(100, []))),
        };
        var refusal = CoordException.NoAuth("tally:t", "refused");

        var answers = await tally.DecideTogetherAsync(
            new TallyAdd(Guid.NewGuid(), 1),
            new TallyAdd(Guid.NewGuid(), 2) { Refusal = refusal },
            new TallyAdd(Guid.NewGuid(), long.MaxValue));

        // Nothing of the group landed: its requests are retryable, an overflow too (its error held only if the group
        // committed); the refused one keeps its own error.
        await Assert.ThrowsAsync<RetryableConflictException>(() => answers[0]);
        Assert.Same(refusal, await Assert.ThrowsAsync<CoordException>(() => answers[1]));
        await Assert.ThrowsAsync<RetryableConflictException>(() => answers[2]);
        Assert.Equal(100, (await new Tally(store).Record.LoadAsync())!.Value);
    }

    /// <summary>A recipe whose requests add to a stored value: each answered with the sum it made, an overflow failing
    /// if its group commits, a refusal failing alone.</summary>
    private sealed class Tally
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly GroupedDecisions<TallyState, TallyAdd, long> _adds;

        public Tally(ITreeStore store)
        {
            Record = new RecipeRecord<TallyState>(store, "rt:t", "tally:t", () => { },
                new StorageRegressionGuard(NullLogger<StorageRegressionGuard>.Instance), NullLogger.Instance);
            _adds = new(_gate, Record, state => state.Recent, DecideAsync);
        }

        public RecipeRecord<TallyState> Record { get; }

        public Func<Task>? BeforeCommit { get; init; }

        public int Groups { get; private set; }

        /// <summary>Queues the requests while the gate is held, so that they are decided as one group; returns their
        /// answers once all are given.</summary>
        public async Task<Task<long>[]> DecideTogetherAsync(params TallyAdd[] adds)
        {
            await _gate.WaitAsync();
            var answers = adds.Select(_adds.DecideAsync).ToArray();
            _gate.Release();
            await Task.WhenAll(answers).ContinueWith(_ => { }, TaskScheduler.Default);
            return answers;
        }

        private async Task<GroupCommit<TallyState>?> DecideAsync(IReadOnlyList<TallyAdd> group)
        {
            Groups++;
            var current = await Record.LoadAsync() ?? new TallyState(0, []);
            var (value, recent) = (current.Value, current.Recent);
            foreach (var add in group)
            {
                if (add.Refusal is { } refusal)
                {
                    add.FailAlone(refusal);
                    continue;
                }

                try
                {
                    value = checked(value + add.Delta);
                    recent = RecentRequests.With(recent, add.RequestId, value);
                    add.Answer(value);
                }
                catch (OverflowException error)
                {
                    add.Fail(error);
                }
            }

            if (BeforeCommit is { } beforeCommit) await beforeCommit();
            return new GroupCommit<TallyState>(new TallyState(value, recent));
        }
    }

    /// <summary>Passes everything to <paramref name="inner"/>; the next commit after <see cref="ConflictNext"/> is set is
    /// applied and then answered as a conflict on its first record.</summary>
    private sealed class ConflictAfterApplyStore(ITreeStore inner) : ITreeStore
    {
        public bool ConflictNext { get; set; }

        public TreeStoreLimits Limits => inner.Limits;

        public Task<StoredRecord?> ReadAsync(string key, CancellationToken cancellationToken = default) => inner.ReadAsync(key, cancellationToken);

        public Task<List<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListKeysAsync(prefix, cancellationToken);

        public async Task<CommitResult> CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken = default)
        {
            var result = await inner.CommitAsync(writes, cancellationToken);
            if (!ConflictNext || !result.Committed) return result;
            ConflictNext = false;
            return CommitResult.Conflict(writes[0].Key);
        }
    }
}

internal sealed record TallyState(long Value, List<RecentRequest<long>> Recent);

internal sealed record TallyAdd(Guid RequestId, long Delta) : PendingRequest<long>(RequestId)
{
    public CoordException? Refusal { get; init; }
}
