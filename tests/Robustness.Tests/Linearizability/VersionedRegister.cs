using OrleansCoord.Errors;

namespace OrleansCoord.Robustness.Tests.Linearizability;

/// <summary>The state of one key: whether the znode exists, its data and its version.</summary>
public readonly record struct RegisterState(bool Exists, string? Data, int Version)
{
    /// <summary>Every key starts absent.</summary>
    public static RegisterState Absent => new(false, null, 0);

    public override string ToString() => Exists ? $"'{Data}' v{Version}" : "absent";
}

/// <summary>
/// The sequential specification of a znode without children, as ZooKeeper defines create, conditional set,
/// conditional delete and get. <see cref="Step"/> says whether an operation with its recorded answer can be
/// applied to a state, and the state after it.
/// </summary>
public static class VersionedRegister
{
    public static bool Step(RegisterState state, Operation operation, out RegisterState next)
    {
        var output = operation.Output;
        next = state;
        if (output.Code is { } refused && !IsRegisterAnswer(operation.Op, refused))
        {
            // A definite refusal outside the register's answers (SessionExpired, BadArguments, ...): no effect.
            return true;
        }

        var unknown = output.IsUnknown;
        switch (operation.Op)
        {
            case RegisterOp.Create:
                if (state.Exists) return unknown || output.Code == CoordErrorCode.NodeExists;
                next = new RegisterState(true, operation.Input.Data, 0);
                return unknown || output.Code == CoordErrorCode.Ok;

            case RegisterOp.Set:
                if (!state.Exists) return unknown || output.Code == CoordErrorCode.NoNode;
                if (!VersionMatches(operation.Input.Version, state.Version)) return unknown || output.Code == CoordErrorCode.BadVersion;
                next = state with { Data = operation.Input.Data, Version = state.Version + 1 };
                return unknown || (output.Code == CoordErrorCode.Ok && (output.Version is null || output.Version == next.Version));

            case RegisterOp.Delete:
                if (!state.Exists) return unknown || output.Code == CoordErrorCode.NoNode;
                if (!VersionMatches(operation.Input.Version, state.Version)) return unknown || output.Code == CoordErrorCode.BadVersion;
                next = RegisterState.Absent;
                return unknown || output.Code == CoordErrorCode.Ok;

            case RegisterOp.Get:
                if (unknown) return true;
                if (!state.Exists) return output.Code == CoordErrorCode.NoNode;
                return output.Code == CoordErrorCode.Ok && output.Data == state.Data && output.Version == state.Version;

            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation.Op, "unknown register operation");
        }
    }

    private static bool VersionMatches(int? expected, int actual) => expected is null or -1 || expected == actual;

    private static bool IsRegisterAnswer(RegisterOp op, CoordErrorCode code) => code switch
    {
        CoordErrorCode.Ok or CoordErrorCode.NoNode => true,
        CoordErrorCode.NodeExists => op == RegisterOp.Create,
        CoordErrorCode.BadVersion => op is RegisterOp.Set or RegisterOp.Delete,
        _ => false,
    };
}
