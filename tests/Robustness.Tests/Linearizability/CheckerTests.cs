using OrleansCoord.Errors;
using static OrleansCoord.Robustness.Tests.Linearizability.Ops;

namespace OrleansCoord.Robustness.Tests.Linearizability;

/// <summary>Hand-written histories, legal and illegal, that the checker must classify correctly.</summary>
public sealed class CheckerTests
{
    private static Verdict VerdictOf(params Operation[] history) => LinearizabilityChecker.Check(history).Verdict;

    [Fact]
    public void Sequential_CreateSetGetDelete_Linearizable()
    {
        Assert.Equal(Verdict.Linearizable, VerdictOf(
            Create(1, "a", 0, 1),
            Set(1, 0, "b", 2, 3, newVersion: 1),
            Get(2, "b", 1, 4, 5),
            Set(2, 0, "c", 6, 7, CoordErrorCode.BadVersion),
            Create(2, "d", 8, 9, CoordErrorCode.NodeExists),
            Delete(1, 1, 10, 11),
            GetMissing(2, 12, 13),
            Delete(2, -1, 14, 15, CoordErrorCode.NoNode)));
    }

    [Fact]
    public void StaleRead_AfterAcknowledgedSet_Illegal()
    {
        var verdict = LinearizabilityChecker.Check([
            Create(1, "a", 0, 1),
            Set(1, 0, "b", 2, 3, newVersion: 1),
            Get(2, "a", 0, 4, 5),
        ]);

        Assert.Equal(Verdict.Illegal, verdict.Verdict);
        var key = Assert.Single(verdict.Keys);
        Assert.Equal(2, key.Longest.Count);
        Assert.Contains(key.Stuck, op => op.Op == RegisterOp.Get);
    }

    [Fact]
    public void LostWrite_AcknowledgedCreateThenMissing_Illegal()
    {
        Assert.Equal(Verdict.Illegal, VerdictOf(
            Create(1, "a", 0, 1),
            GetMissing(2, 5, 6)));
    }

    [Fact]
    public void LostWrite_TwoCasSetsOnOneVersionBothAcknowledged_Illegal()
    {
        Assert.Equal(Verdict.Illegal, VerdictOf(
            Create(1, "a", 0, 1),
            Set(1, 0, "b", 2, 10, newVersion: 1),
            Set(2, 0, "c", 3, 11, newVersion: 1)));
    }

    [Fact]
    public void LostWrite_AcknowledgedSetOverwrittenInvisibly_Illegal()
    {
        // Both unconditional sets were acknowledged, yet only one version step shows.
        Assert.Equal(Verdict.Illegal, VerdictOf(
            Create(1, "a", 0, 1),
            Set(1, -1, "b", 2, 3),
            Set(2, -1, "c", 4, 5),
            Get(3, "c", 1, 6, 7)));
    }

    [Theory]
    [InlineData("b")]
    [InlineData("c")]
    public void ConcurrentSets_EitherOrder_Linearizable(string last)
    {
        Assert.Equal(Verdict.Linearizable, VerdictOf(
            Create(1, "a", 0, 1),
            Set(1, -1, "b", 2, 10, newVersion: null),
            Set(2, -1, "c", 3, 9, newVersion: null),
            Get(3, last, 2, 11, 12)));
    }

    [Fact]
    public void ConcurrentReadDuringSet_SeesEitherValue_Linearizable()
    {
        Assert.Equal(Verdict.Linearizable, VerdictOf(
            Create(1, "a", 0, 1),
            Set(1, -1, "b", 2, 10, newVersion: 1),
            Get(2, "a", 0, 3, 4),
            Get(2, "b", 1, 5, 6),
            Get(3, "b", 1, 11, 12)));
    }

    [Fact]
    public void ReadGoesBackInTime_Illegal()
    {
        // Once a read saw the new value, a later read may not see the old one, even while the set is pending.
        Assert.Equal(Verdict.Illegal, VerdictOf(
            Create(1, "a", 0, 1),
            Set(1, -1, "b", 2, 20, newVersion: 1),
            Get(2, "b", 1, 3, 4),
            Get(3, "a", 0, 5, 6)));
    }

    [Fact]
    public void TimedOutSet_TakesEffectLate_Linearizable()
    {
        Assert.Equal(Verdict.Linearizable, VerdictOf(
            Create(1, "a", 0, 1),
            TimedOut(Set(1, 0, "b", 2, null)),
            Get(2, "a", 0, 10, 11),
            Get(2, "a", 0, 100, 101),
            Get(2, "b", 1, 1000, 1001)));
    }

    [Fact]
    public void TimedOutSet_NeverTakesEffect_Linearizable()
    {
        Assert.Equal(Verdict.Linearizable, VerdictOf(
            Create(1, "a", 0, 1),
            TimedOut(Set(1, 0, "b", 2, null)),
            Set(2, 0, "c", 10, 11, newVersion: 1),
            Get(2, "c", 1, 12, 13)));
    }

    [Fact]
    public void TimedOutSet_SeenThenUndone_Illegal()
    {
        // An unknown outcome may apply once, at any point after its call; it cannot be seen and then vanish.
        Assert.Equal(Verdict.Illegal, VerdictOf(
            Create(1, "a", 0, 1),
            TimedOut(Set(1, 0, "b", 2, null)),
            Get(2, "b", 1, 10, 11),
            Get(2, "a", 0, 20, 21)));
    }

    [Fact]
    public void TimedOutSet_CannotTakeEffectBeforeItsCall_Illegal()
    {
        Assert.Equal(Verdict.Illegal, VerdictOf(
            Create(1, "a", 0, 1),
            Get(2, "b", 1, 2, 3),
            TimedOut(Set(1, 0, "b", 10, null))));
    }

    [Fact]
    public void TimedOutCreate_ThenNodeExists_Linearizable()
    {
        Assert.Equal(Verdict.Linearizable, VerdictOf(
            TimedOut(Create(1, "a", 0, null)),
            Create(2, "b", 10, 11, CoordErrorCode.NodeExists),
            Get(2, "a", 0, 12, 13)));
    }

    [Fact]
    public void Keys_CheckedIndependently_IllegalKeyNamed()
    {
        var verdict = LinearizabilityChecker.Check([
            Create(1, "a", 0, 1, key: "/x"),
            Get(2, "a", 0, 2, 3, key: "/x"),
            Create(1, "a", 0, 1, key: "/y"),
            GetMissing(2, 2, 3, key: "/y"),
        ]);

        Assert.Equal(Verdict.Illegal, verdict.Verdict);
        Assert.Equal(["/y"], verdict.Keys.Where(k => k.Verdict == Verdict.Illegal).Select(k => k.Key));
        Assert.Contains("/y: Illegal", verdict.ToString());
    }

    [Fact]
    public void ReturnBeforeCall_Rejected()
    {
        Assert.Throws<ArgumentException>(() => LinearizabilityChecker.Check([Create(1, "a", 10, 5)]));
    }
}
