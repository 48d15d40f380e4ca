using OrleansCoord.Errors;
using static OrleansCoord.Robustness.Tests.Linearizability.Ops;

namespace OrleansCoord.Robustness.Tests.Linearizability;

/// <summary>
/// Histories with many operations of unknown outcome, as a long soak with silo kills records them. Each may take
/// effect at any later point or never, so a plain search branches on them at every step; the checker must decide
/// these histories both ways within its budget (the 30-minute soak's history ran out of a 10-minute budget before).
/// </summary>
public sealed class UnknownOutcomeTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(2);

    [Fact]
    public void OwnRegister_ManyTimedOutSets_Linearizable()
    {
        var (history, _) = OwnRegister(seed: 1);
        Assert.Equal(Verdict.Linearizable, Decide(history));
    }

    [Fact]
    public void OwnRegister_ManyTimedOutSets_AcknowledgedSetLost_Illegal()
    {
        // The final read shows the data of the set before the last acknowledged one, at the version it would have
        // had: the last acknowledged set was lost, and no timed-out set can explain that.
        var (history, final) = OwnRegister(seed: 2);
        var lastAcknowledged = history.Last(op => op.Op == RegisterOp.Set && op.Output.Code == CoordErrorCode.Ok);
        var before = history.Last(op => op.Op == RegisterOp.Set && op.Output.Code == CoordErrorCode.Ok && op.Call < lastAcknowledged.Call);
        var end = history.Max(op => op.EffectiveReturn) + 10;
        history.Add(Get(9, before.Input.Data!, final.Version, end, end + 1));
        Assert.Equal(Verdict.Illegal, Decide(history));
    }

    [Fact]
    public void OwnRegister_ManyTimedOutSets_VersionAboveEveryWrite_Illegal()
    {
        // Every timed-out set took effect and one more on top: a version no sequence of these writes reaches.
        var (history, final) = OwnRegister(seed: 3);
        var end = history.Max(op => op.EffectiveReturn) + 10;
        var sets = history.Count(op => op.Op == RegisterOp.Set);
        history.Add(Get(9, final.Data!, sets + 1, end, end + 1));
        Assert.Equal(Verdict.Illegal, Decide(history));
    }

    [Fact]
    public void SharedRegister_RandomVersionsOneWriteInFourTimedOut_Linearizable()
    {
        // Eight clients, creates, sets and deletes with random expected versions on one key; one write in four
        // times out, half of those never land.
        var (history, _) = SimulatedHistoryTests.Simulate(clients: 8, count: 15_000, seed: 7, unknownOneIn: 4);
        Assert.True(history.Count(op => op.Output.IsUnknown) > 1_000);
        Assert.Equal(Verdict.Linearizable, Decide(history));
    }

    [Fact]
    public void SharedRegister_CasWorkload_Linearizable()
    {
        var (history, _) = CasWorkload(seed: 11);
        Assert.True(history.Count(op => op.Output.IsUnknown) > 50);
        Assert.Equal(Verdict.Linearizable, Decide(history));
    }

    [Fact]
    public void SetRefusedNoNodeAfterAcknowledgedCreate_TimedOutWritesPending_Illegal()
    {
        // What the 30-minute soak found (seed 803626745, key k2): a create acknowledged, then a CAS set called after
        // it answered NoNode, and a read saw the created node; the timed-out writes pending then cannot explain it.
        Assert.Equal(Verdict.Illegal, Decide([
            Create(1, "init", 0, 1),
            Delete(1, 0, 2, 3),
            TimedOut(Set(2, 0, "x", 4, null)),
            TimedOut(Delete(3, 12, 5, null)),
            TimedOut(Create(4, "y", 6, null)),
            TimedOut(Set(5, 7, "z", 7, null)),
            Create(6, "late", 10, 11),
            Set(7, 28, "stale", 12, 13, CoordErrorCode.NoNode),
            Get(8, "late", 0, 14, 15),
        ]));
    }

    [Fact]
    public void TimedOutDeletes_PendingAcrossAcknowledgedCreate_ExplainNoNode_Linearizable()
    {
        // The counterpart of the case above: a timed-out delete of any version, called before, may land between the
        // create and the set, and a timed-out create may then bring the node back.
        Assert.Equal(Verdict.Linearizable, Decide([
            TimedOut(Delete(1, -1, 0, null)),
            TimedOut(Create(2, "late", 1, null)),
            Create(3, "late", 10, 11),
            Set(4, 5, "stale", 12, 13, CoordErrorCode.NoNode),
            Get(5, "late", 0, 14, 15),
        ]));
    }

    /// <summary>
    /// Eight clients on one key as the fault runs drive the shared registers: a client reads, then writes with the
    /// version it read (sometimes a stale one), creates when it saw no node and deletes now and then; 15,000
    /// operations, one write in a hundred with an unknown outcome (three times the soak's rate), landing up to 50
    /// operations later, or never.
    /// </summary>
    private static (List<Operation> History, RegisterState Final) CasWorkload(int seed)
    {
        var random = new Random(seed);
        var planned = new List<PlannedOp>();
        var seen = new RegisterState[8];
        var free = new long[8];
        var state = RegisterState.Absent;
        var landing = new PriorityQueue<PlannedOp, (long At, int Order)>();
        for (var k = 0; k < 15_000; k++)
        {
            var point = k * 100L + 50;
            while (landing.TryPeek(out var late, out var at) && at.At < point) SimulatedRegister.Apply(ref state, landing.Dequeue());

            var client = random.Next(8);
            if (free[client] >= point) continue; // still busy: no operation at this point
            var call = Math.Max(free[client], point - random.Next(1, 300));
            var ret = point + random.Next(1, 300);
            var version = random.Next(5) == 0 ? Math.Max(0, seen[client].Version - 1) : seen[client].Version;
            var (op, input) = random.Next(10) switch
            {
                < 3 => (RegisterOp.Get, new OpInput()),
                < 4 => (RegisterOp.Delete, new OpInput(Version: version)),
                _ when !seen[client].Exists => (RegisterOp.Create, new OpInput($"c{client}-{k}")),
                _ => (RegisterOp.Set, new OpInput($"c{client}-{k}", random.Next(10) == 0 ? -1 : version)),
            };
            var unknown = op != RegisterOp.Get && random.Next(100) == 0;
            if (!unknown)
            {
                planned.Add(new PlannedOp(client, op, input, call, point, ret));
                SimulatedRegister.Apply(ref state, planned[^1]);
                seen[client] = state;
                free[client] = ret + 1;
                continue;
            }

            // The client goes on at once; the write lands up to 50 operations later (between two others), or never.
            free[client] = call + 1;
            if (random.Next(2) == 0)
            {
                var lands = new PlannedOp(client, op, input, call, point + random.Next(0, 50) * 100L + 1, ret, Unknown: true);
                planned.Add(lands);
                landing.Enqueue(lands, (lands.Point, k));
            }
            else
            {
                planned.Add(new PlannedOp(client, op, input, call, point, ret, Unknown: true, Lost: true));
            }
        }

        while (landing.TryDequeue(out var late, out _)) SimulatedRegister.Apply(ref state, late);
        var (history, final) = SimulatedRegister.Run(planned);
        Assert.Equal(state, final);
        return (history, final);
    }

    private static Verdict Decide(IEnumerable<Operation> history)
    {
        var verdict = LinearizabilityChecker.Check(history, Budget);
        TestContext.Current.TestOutputHelper?.WriteLine(verdict.ToString());
        return verdict.Verdict;
    }

    /// <summary>
    /// One client's own register, as the fault runs write it: create, then 3,000 unconditional sets one after the
    /// other, one in twenty of them timing out; the client goes on at once, and a timed-out set lands up to fifty
    /// sets later, or never. A read at the end.
    /// </summary>
    private static (List<Operation> History, RegisterState Final) OwnRegister(int seed)
    {
        var random = new Random(seed);
        var planned = new List<PlannedOp> { new(0, RegisterOp.Create, new OpInput("init"), 0, 1, 2) };
        const long Step = 1_000;
        for (var k = 1; k <= 3_000; k++)
        {
            var call = k * Step;
            var unknown = random.Next(20) == 0;
            var point = unknown ? call + 1 + random.Next(0, 50) * Step : call + Step / 2;
            planned.Add(new PlannedOp(0, RegisterOp.Set, new OpInput($"c0-{k}", -1), call, point, call + Step - 1, unknown, unknown && random.Next(2) == 0));
        }

        var (history, final) = SimulatedRegister.Run(planned);
        var end = 3_002 * Step + 60 * Step;
        history.Add(final.Exists ? Get(1, final.Data!, final.Version, end, end + 1) : GetMissing(1, end, end + 1));
        return (history, final);
    }
}
