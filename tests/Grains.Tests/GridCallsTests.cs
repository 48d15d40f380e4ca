using OrleansCoord.Errors;
using OrleansCoord.SessionLayer;

namespace OrleansCoord.Grains.Tests;

/// <summary>The session layer's retry loop (SessionLayer/GridCalls.cs) and revision tracker under the rules of either
/// front door: what the SDK and the wire server share, and the two rules only the wire server turns on.</summary>
public sealed class GridCallsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMilliseconds(100);

    private static GridCallRules SdkRules() => new() { WritePatience = TimeSpan.FromSeconds(5) };

    private static GridCallRules WireRules(Action<Exception>? report = null) => new()
    {
        WritePatience = TimeSpan.FromSeconds(5),
        BoundReadAttempts = true,
        UnansweredReadsLoseConnection = true,
        ReportUnknownFailure = report,
    };

    [Fact]
    public void RevisionTracker_NeverGoesBack()
    {
        var revisions = new RevisionTracker(-7);
        Assert.Equal(0, revisions.Last);

        revisions.Observe(42);
        revisions.Observe(17);

        Assert.Equal(42, revisions.Last);
    }

    [Fact]
    public async Task ReadTimingOut_SdkRules_OperationTimeout_WireRules_ConnectionLoss()
    {
        Task<int> TimesOut() => throw new TimeoutException("response timeout");

        var sdk = await GridCalls.RunAsync(TimesOut, Patience, SdkRules(), TestContext.Current.CancellationToken);
        var wire = await GridCalls.RunAsync(TimesOut, Patience, WireRules(), TestContext.Current.CancellationToken);

        Assert.Equal(CoordErrorCode.OperationTimeout, sdk.Error);
        Assert.Equal(CoordErrorCode.ConnectionLoss, wire.Error);
        Assert.IsType<TimeoutException>(wire.Failure);
    }

    [Fact]
    public async Task ReadThatHangs_WireRules_EndsAtItsPatience()
    {
        var never = new TaskCompletionSource<int>();

        var outcome = await GridCalls.RunAsync(() => never.Task, Patience, WireRules(), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(CoordErrorCode.ConnectionLoss, outcome.Error);
    }

    [Fact]
    public async Task WriteRefusedByAConflict_IsSentAgain_AndTheSessionSeesOnlyTheAnswer()
    {
        var attempts = 0;
        var revisions = new RevisionTracker();
        var call = new ObservedCall(() => ++attempts == 1 ? throw new RetryableConflictException("etag") : Task.FromResult(9L), revisions);

        var outcome = await GridCalls.RunAsync<ObservedCall, long>(call, null, SdkRules(), TestContext.Current.CancellationToken);

        Assert.Equal((9L, CoordErrorCode.Ok), (outcome.Value, outcome.Error));
        Assert.Equal(2, attempts);
        Assert.Equal(9, revisions.Last);
    }

    [Fact]
    public async Task WriteWithUnknownOutcome_IsNotSentAgain()
    {
        var attempts = 0;

        var outcome = await GridCalls.RunAsync<int>(() => { attempts++; throw new TimeoutException(); }, null, WireRules(),
            TestContext.Current.CancellationToken);

        Assert.Equal(CoordErrorCode.OperationTimeout, outcome.Error);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task FailureThePolicyDoesNotKnow_IsSystemError_MarkedAndReportedOnce()
    {
        var reported = new List<Exception>();

        var outcome = await GridCalls.RunAsync<int>(() => throw new InvalidOperationException("bug"), Patience, WireRules(reported.Add),
            TestContext.Current.CancellationToken);

        Assert.Equal(CoordErrorCode.SystemError, outcome.Error);
        Assert.True(outcome.IsUnknownFailure);
        Assert.IsType<InvalidOperationException>(Assert.Single(reported));
    }

    private readonly struct ObservedCall(Func<Task<long>> send, RevisionTracker revisions) : IGridCall<long>
    {
        public Task<long> Send() => send();

        public void Answered(long result) => revisions.Observe(result);
    }
}
