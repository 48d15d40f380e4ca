using Orleans.Runtime;
using OrleansCoord.Errors;

namespace OrleansCoord.Grains.Tests;

/// <summary>The one retry policy of the SDK and the ZooKeeper front end (Grains.Interfaces/Errors/RequestRetryPolicy.cs).</summary>
public sealed class RequestRetryPolicyTests
{
    private static readonly TimeSpan WritePatience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReadPatience = TimeSpan.FromSeconds(5);

    private static RetryDecision? Decide(Exception exception, bool idempotent, int attempt = 0, double elapsedSeconds = 0) =>
        RequestRetryPolicy.Decide(exception, idempotent, attempt, TimeSpan.FromSeconds(elapsedSeconds), WritePatience, ReadPatience);

    public static TheoryData<Exception> UnknownOutcomes() =>
    [
        new TimeoutException("response timeout"),
        new OperationCanceledException("expired before delivery"),
        new SiloUnavailableException("silo gone"),
        new System.Net.Sockets.SocketException(),
        new IOException("connection reset"),
    ];

    [Theory]
    [MemberData(nameof(UnknownOutcomes))]
    public void Decide_ReadWithUnknownOutcome_RetriesWithinReadPatience(Exception exception)
    {
        var decision = Decide(exception, idempotent: true, attempt: 1, elapsedSeconds: 1);
        Assert.NotNull(decision);
        Assert.Null(decision.Value.FailWith);
        Assert.True(decision.Value.Delay > TimeSpan.Zero);
    }

    [Theory]
    [MemberData(nameof(UnknownOutcomes))]
    public void Decide_ReadWithUnknownOutcome_FailsAfterReadPatience(Exception exception)
    {
        var decision = Decide(exception, idempotent: true, attempt: 8, elapsedSeconds: 6);
        Assert.Equal(exception is TimeoutException or OperationCanceledException ? CoordErrorCode.OperationTimeout : CoordErrorCode.ConnectionLoss,
            decision?.FailWith);
    }

    [Theory]
    [MemberData(nameof(UnknownOutcomes))]
    public void Decide_WriteWithUnknownOutcome_FailsAtOnce(Exception exception)
    {
        var decision = Decide(exception, idempotent: false);
        Assert.Equal(exception is TimeoutException or OperationCanceledException ? CoordErrorCode.OperationTimeout : CoordErrorCode.ConnectionLoss,
            decision?.FailWith);
    }

    [Fact]
    public void Decide_Conflict_RetriesUntilAttemptsOrPatienceRunOut()
    {
        var conflict = new RetryableConflictException("conflict");
        var retry = Decide(conflict, idempotent: false, attempt: 3, elapsedSeconds: 1);
        Assert.NotNull(retry);
        Assert.Null(retry.Value.FailWith);
        Assert.Equal(CoordErrorCode.SystemError, Decide(conflict, idempotent: false, attempt: RequestRetryPolicy.MaxConflictRetries)?.FailWith);
        Assert.Equal(CoordErrorCode.SystemError, Decide(conflict, idempotent: false, attempt: 1, elapsedSeconds: 31)?.FailWith);
    }

    [Fact]
    public void Decide_SystemError_RetriesReadsOnly()
    {
        var storageAway = new CoordException(CoordErrorCode.SystemError, "/a", "storage unavailable");
        Assert.Equal(RetryDecision.After(TimeSpan.FromMilliseconds(20)), Decide(storageAway, idempotent: true));
        Assert.Equal(CoordErrorCode.SystemError, Decide(storageAway, idempotent: false)?.FailWith);
    }

    [Fact]
    public void Decide_AnswerOfTheGrid_FailsWithItsCode()
    {
        Assert.Equal(CoordErrorCode.NoNode, Decide(CoordException.NoNode("/a"), idempotent: true)?.FailWith);
        Assert.Equal(CoordErrorCode.BadVersion, Decide(CoordException.BadVersion("/a", 1, 2), idempotent: false)?.FailWith);
    }

    [Fact]
    public void Decide_Bug_IsNotAGridFailure() =>
        Assert.Null(Decide(new InvalidOperationException("a bug"), idempotent: true));
}
