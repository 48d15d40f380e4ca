using CsCheck;
using OrleansCoord.Errors;

namespace OrleansCoord.Robustness.Tests.Linearizability;

/// <summary>
/// Histories made by a simulated register that applies every operation at a chosen point inside its interval are
/// linearizable by construction; the checker must say so. A final read contradicting the simulation must be illegal.
/// </summary>
public sealed class SimulatedHistoryTests
{
    private static readonly Gen<(int Clients, int Count, int Seed)> Runs =
        Gen.Select(Gen.Int[1, 6], Gen.Int[1, 60], Gen.Int);

    [Fact]
    public void ConcurrentSimulatedHistories_Linearizable() =>
        Runs.Sample(run =>
        {
            var (history, _) = Simulate(run.Clients, run.Count, run.Seed);
            var verdict = LinearizabilityChecker.Check(history);
            Assert.True(verdict.Verdict == Verdict.Linearizable, verdict.ToString());
        }, iter: 300);

    [Fact]
    public void LongHistory_AsASoakMakesPerKey_Decided()
    {
        // About what a 30-minute soak records per key; the search must decide it, not run out of time.
        var (history, _) = Simulate(clients: 8, count: 30_000, seed: 42);
        var verdict = LinearizabilityChecker.Check(history, TimeSpan.FromMinutes(5));
        Assert.Equal(Verdict.Linearizable, verdict.Verdict);
    }

    [Fact]
    public void FinalReadContradictingTheRegister_Illegal() =>
        Runs.Sample(run =>
        {
            var (history, final) = Simulate(run.Clients, run.Count, run.Seed, withUnknown: false);
            var end = history.Max(op => op.EffectiveReturn) + 10;
            var wrong = final.Exists
                ? new Operation(0, Ops.Key, RegisterOp.Get, new OpInput(), new OpOutput(CoordErrorCode.Ok, final.Data, final.Version + 1), end, end + 1)
                : Ops.Get(0, "ghost", 0, end, end + 1);
            var verdict = LinearizabilityChecker.Check([.. history, wrong]);
            Assert.True(verdict.Verdict == Verdict.Illegal, $"seed {run.Seed}: {verdict}");
        }, iter: 300);

    internal static (List<Operation> History, RegisterState Final) Simulate(int clients, int count, int seed, bool withUnknown = true, int unknownOneIn = 8)
    {
        var random = new Random(seed);
        var free = new long[clients];
        var planned = new List<PlannedOp>();
        for (var k = 0; k < count; k++)
        {
            var client = random.Next(clients);
            var call = free[client] + random.Next(0, 30);
            var point = call + 1 + random.Next(0, 40);
            var ret = point + 1 + random.Next(0, 40);
            free[client] = ret + 1;
            var op = (RegisterOp)random.Next(4);
            var version = random.Next(4) == 0 ? -1 : random.Next(0, 3);
            var input = op switch
            {
                RegisterOp.Create => new OpInput($"d{k}"),
                RegisterOp.Set => new OpInput($"d{k}", version),
                RegisterOp.Delete => new OpInput(Version: version),
                _ => new OpInput(),
            };

            // Distinct linearization points: the simulated register applies ops one at a time. Half of the timed-out
            // writes never reach the register.
            var unknown = withUnknown && op != RegisterOp.Get && random.Next(unknownOneIn) == 0;
            planned.Add(new PlannedOp(client, op, input, call * 1000 + k, point * 1000 + k, ret * 1000 + k, unknown, unknown && random.Next(2) == 0));
        }

        return SimulatedRegister.Run(planned);
    }
}
