using OrleansCoord.Client;
using OrleansCoord.Errors;

namespace OrleansCoord.Robustness.Tests.Regressions;

/// <summary>
/// Found by a fault run under heavy load: Orleans gave up on a message ("Message expired before placement could
/// complete") and the SDK let the OperationCanceledException out untyped. It is an unknown outcome, like a timeout.
/// </summary>
public sealed class RequestRunnerTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task MessageExpiredInOrleans_OperationTimeout(bool idempotent)
    {
        var runner = new RequestRunner(TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<CoordException>(() => runner.RunAsync<int>("/a", idempotent,
            () => throw new OperationCanceledException("Message expired before placement could complete"), CancellationToken.None));

        Assert.Equal(CoordErrorCode.OperationTimeout, error.Code);
        Assert.Equal("/a", error.Path);
    }

    [Fact]
    public async Task CallersOwnCancellation_StaysACancellation()
    {
        var runner = new RequestRunner(TimeSpan.FromSeconds(5));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync<int>("/a", true,
            () => throw new OperationCanceledException(cancelled.Token), cancelled.Token));
    }
}
