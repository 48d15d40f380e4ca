using OrleansCoord.Errors;

namespace OrleansCoord.Robustness.Tests.Linearizability;

/// <summary>An operation for <see cref="SimulatedRegister"/>: it takes effect at <see cref="Point"/>, or never when
/// <see cref="Lost"/>; <see cref="Unknown"/> records it with an unknown outcome.</summary>
internal sealed record PlannedOp(int Client, RegisterOp Op, OpInput Input, long Call, long Point, long Return, bool Unknown = false, bool Lost = false);

/// <summary>
/// A register that applies each operation at a chosen point of its interval (an unknown one possibly long after its
/// call, or never): the histories it records are linearizable by construction. Written from ZooKeeper's rules, not
/// from <see cref="VersionedRegister"/>, so that tests do not check the model with itself.
/// </summary>
internal static class SimulatedRegister
{
    public static (List<Operation> History, RegisterState Final) Run(IEnumerable<PlannedOp> planned, string key = Ops.Key)
    {
        var state = RegisterState.Absent;
        var history = new List<Operation>();
        foreach (var p in planned.OrderBy(p => p.Point))
        {
            var output = p.Lost ? OpOutput.Unknown : Apply(ref state, p.Op, p.Input);
            history.Add(new Operation(p.Client, key, p.Op, p.Input, p.Unknown ? OpOutput.Unknown : output, p.Call, p.Unknown ? null : p.Return));
        }

        return (history, state);
    }

    /// <summary>Applies one operation to the state and returns its answer.</summary>
    public static OpOutput Apply(ref RegisterState state, PlannedOp op) => Apply(ref state, op.Op, op.Input);

    private static OpOutput Apply(ref RegisterState state, RegisterOp op, OpInput input)
    {
        var matches = input.Version is null or -1 || input.Version == state.Version;
        switch (op)
        {
            case RegisterOp.Create when state.Exists: return new OpOutput(CoordErrorCode.NodeExists);
            case RegisterOp.Create: state = new RegisterState(true, input.Data, 0); return new OpOutput(CoordErrorCode.Ok);
            case RegisterOp.Get when !state.Exists: return new OpOutput(CoordErrorCode.NoNode);
            case RegisterOp.Get: return new OpOutput(CoordErrorCode.Ok, state.Data, state.Version);
            case RegisterOp.Set or RegisterOp.Delete when !state.Exists: return new OpOutput(CoordErrorCode.NoNode);
            case RegisterOp.Set or RegisterOp.Delete when !matches: return new OpOutput(CoordErrorCode.BadVersion);
            case RegisterOp.Set: state = state with { Data = input.Data, Version = state.Version + 1 }; return new OpOutput(CoordErrorCode.Ok, Version: state.Version);
            default: state = RegisterState.Absent; return new OpOutput(CoordErrorCode.Ok);
        }
    }
}
