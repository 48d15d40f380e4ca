using OrleansCoord.Errors;

namespace OrleansCoord.Robustness.Tests.Recipes;

/// <summary>The lock and queue checks on hand-written records: each kind of violation is found, legal records pass.</summary>
public sealed class RecipeChecksTests
{
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(4);
    private const long Second = 1_000_000;

    private static LockHold Hold(string holder, long token, long call, long granted, long releaseCall, long lostAt = -1, string release = "Ok") =>
        new(0, holder, token, call, granted, releaseCall, lostAt, release);

    [Fact]
    public void Locks_OneAfterAnother_TokensIncreasing_Legal()
    {
        LockHold[] holds = [Hold("a", 1, 0, 10, 20), Hold("b", 2, 5, 30, 40), Hold("c", 3, 35, 50, 60)];
        Assert.Empty(LockChecks.NeverTwoHolders(holds));
        Assert.Empty(LockChecks.TokensIncrease(holds));
        Assert.Empty(LockChecks.LostSeen(holds));
    }

    [Fact]
    public void Locks_GrantedWhileHeld_TwoHolders()
    {
        LockHold[] holds = [Hold("a", 1, 0, 10, 40), Hold("b", 2, 5, 30, 50)];
        Assert.Single(LockChecks.NeverTwoHolders(holds));
    }

    [Fact]
    public void Locks_GrantedAfterTheHolderSawLost_NotTwoHolders_ButItsReleaseMustSeeLost()
    {
        LockHold[] holds = [Hold("a", 1, 0, 10, 40, lostAt: 25, release: "BadArguments"), Hold("b", 2, 5, 30, 50)];
        Assert.Empty(LockChecks.NeverTwoHolders(holds));
        Assert.Empty(LockChecks.LostSeen(holds));
        Assert.Single(LockChecks.LostSeen([Hold("a", 1, 0, 10, 40, release: "BadArguments")]));
    }

    [Fact]
    public void Locks_TokenNotAboveAnEarlierGrant_OrTwice_Found()
    {
        Assert.Single(LockChecks.TokensIncrease([Hold("a", 5, 0, 10, 20), Hold("b", 4, 25, 30, 40)]));
        Assert.NotEmpty(LockChecks.TokensIncrease([Hold("a", 5, 0, 10, 20), Hold("b", 5, 5, 30, 40)]));
        // Asked before the other's grant came back: either order is fine.
        Assert.Empty(LockChecks.TokensIncrease([Hold("a", 5, 0, 10, 20), Hold("b", 4, 5, 30, 40)]));
    }

    private static QueuePut Put(string data, long call, long ret, int priority = 0, CoordErrorCode? code = CoordErrorCode.Ok) =>
        new(0, data, priority, data, code, call, ret);

    private static QueueTake Take(string data, int delivery, long call, long ret, int client = 1) =>
        new(client, data, data, delivery, CoordErrorCode.Ok, call, ret);

    private static QueueSettle Ack(string data, int delivery, long call, long ret, CoordErrorCode? code = CoordErrorCode.Ok) =>
        new(1, data, delivery, Release: false, code, call, ret);

    [Fact]
    public void Queue_PutTakeAck_InOrder_Legal()
    {
        QueuePut[] puts = [Put("m1", 0, 10), Put("m2", 20, 30), Put("hi", 35, 38, priority: 2)];
        QueueTake[] takes = [Take("hi", 1, 40, 50), Take("m1", 1, 60, 70), Take("m2", 1, 80, 90)];
        QueueSettle[] settles = [Ack("hi", 1, 51, 55), Ack("m1", 1, 71, 75), Ack("m2", 1, 91, 95)];
        Assert.Empty(QueueChecks.NoPutLost(puts, takes, settles));
        Assert.Empty(QueueChecks.AtMostOneTaker(takes, settles, Visibility));
        Assert.Empty(QueueChecks.PriorityFifo(puts, takes));
    }

    [Fact]
    public void Queue_AcknowledgedPutNeverAcked_Lost_UnknownAckCounts()
    {
        QueuePut[] puts = [Put("m1", 0, 10), Put("m2", 20, 30)];
        QueueTake[] takes = [Take("m2", 1, 40, 50)];
        Assert.Single(QueueChecks.NoPutLost(puts, takes, [Ack("m2", 1, 51, 55, code: null)]));
    }

    [Fact]
    public void Queue_SecondTakerWithinVisibility_OrAfterAck_OrAckedTwice_Found()
    {
        QueueTake[] early = [Take("m", 1, 0, 10), Take("m", 2, 20, Second, client: 2)];
        Assert.Single(QueueChecks.AtMostOneTaker(early, [], Visibility));
        QueueTake[] late = [Take("m", 1, 0, 10), Take("m", 2, 5 * Second, 5 * Second + 10, client: 2)];
        Assert.Empty(QueueChecks.AtMostOneTaker(late, [], Visibility));
        Assert.Single(QueueChecks.AtMostOneTaker(late, [Ack("m", 1, 11, 20)], Visibility));
        Assert.NotEmpty(QueueChecks.AtMostOneTaker(late, [Ack("m", 1, 11, 20), Ack("m", 2, 5 * Second + 20, 5 * Second + 30)], Visibility));
        Assert.Single(QueueChecks.AtMostOneTaker([Take("m", 1, 0, 10), Take("m", 1, 5, 15, client: 2)], [], Visibility));
    }

    [Fact]
    public void Queue_LaterPutTakenFirst_OrLowerPriorityFirst_Found()
    {
        QueuePut[] puts = [Put("m1", 0, 10), Put("m2", 20, 30)];
        Assert.Single(QueueChecks.PriorityFifo(puts, [Take("m2", 1, 40, 50), Take("m1", 1, 60, 70)]));
        // Overlapping puts may be taken in either order.
        QueuePut[] overlapping = [Put("m1", 0, 25), Put("m2", 20, 30)];
        Assert.Empty(QueueChecks.PriorityFifo(overlapping, [Take("m2", 1, 40, 50), Take("m1", 1, 60, 70)]));
        QueuePut[] priorities = [Put("lo", 0, 10), Put("hi", 20, 30, priority: 1)];
        Assert.Single(QueueChecks.PriorityFifo(priorities, [Take("lo", 1, 40, 50), Take("hi", 1, 60, 70)]));
        // The higher one put while the take was under way may come second.
        Assert.Empty(QueueChecks.PriorityFifo(priorities, [Take("lo", 1, 25, 50), Take("hi", 1, 60, 70)]));
    }
}
