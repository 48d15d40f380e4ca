using CsCheck;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Robustness.Tests.Fuzz;

/// <summary>
/// Generators of SDK arguments near the edges of what is valid: paths under a sandbox with odd segments and
/// characters, data around 1 MiB, versions around -1, undefined create modes, TTLs out of range, multis with
/// null, too many or mixed ops.
/// </summary>
public static class FuzzInputs
{
    public const string Sandbox = "/fuzz";

    private static readonly byte[] Max = new byte[ZNodeLimits.MaxDataLength];
    private static readonly byte[] OverMax = new byte[ZNodeLimits.MaxDataLength + 1];

    private static readonly Gen<string> Segment = Gen.Frequency(
        (8, Gen.OneOf("a", "b", "c", "n-", "é")),
        (3, Gen.OneOf("", ".", "..", "zookeeper", "\u0000", "\u0001", "\u007f", "\u0085", "\ufff0", "\uffff", "\ud800",
            "x/y", " ", new string('s', 300), new string('l', 801))),
        (1, Gen.Char.Array[1, 4].Select(chars => new string(chars))));

    public static readonly Gen<string?> Path = Gen.Select(
            Gen.OneOf(Sandbox, Sandbox, Sandbox, Sandbox, Sandbox, Sandbox, "", "fuzz", "/", "//fuzz", "/zookeeper", Sandbox + "/"),
            Segment.Array[0, 3],
            Gen.Int[0, 9],
            (prefix, segments, shape) =>
        {
            if (shape == 0) return null;
            var path = segments.Length == 0 ? prefix : prefix.TrimEnd('/') + "/" + string.Join('/', segments);
            return shape == 1 ? path + "/" : (string?)path;
        });

    public static readonly Gen<byte[]?> Data = Gen.OneOf(
        Gen.OneOf<byte[]?>(null, [], Max, OverMax),
        Gen.Byte.Array[0, 16].Select(bytes => (byte[]?)bytes));

    public static readonly Gen<int> Version = Gen.Frequency((6, Gen.OneOf(-1, -1, 0, 0, 1)), (2, Gen.OneOf(-2, 2, int.MinValue, int.MaxValue)), (1, Gen.Int));

    // Small positive TTLs are left out: such nodes expire in the background, which would look like a change.
    public static readonly Gen<long> Ttl = Gen.Frequency(
        (6, Gen.Const(0L)), (2, Gen.OneOf(3_600_000L, ZNodeLimits.MaxTtlMs)), (1, Gen.OneOf(-1L, ZNodeLimits.MaxTtlMs + 1, long.MaxValue, long.MinValue)));

    public static readonly Gen<CreateMode> Mode = Gen.Frequency((6, Gen.Int[0, 6]), (1, Gen.OneOf(-1, 7, 8, int.MaxValue))).Select(value => (CreateMode)value);

    private static readonly Gen<ZNodeOp?> Op = Gen.Frequency(
        (3, Gen.Select(Path, Data, Mode, Ttl, (p, d, m, t) => (ZNodeOp?)new CreateOp(p!, d!, m, t))),
        (3, Gen.Select(Path, Data, Version, (p, d, v) => (ZNodeOp?)new SetDataOp(p!, d!, v))),
        (3, Gen.Select(Path, Version, (p, v) => (ZNodeOp?)new DeleteOp(p!, v))),
        (3, Gen.Select(Path, Version, (p, v) => (ZNodeOp?)new CheckOp(p!, v))),
        (1, Gen.Const((ZNodeOp?)null)));

    public static readonly Gen<FuzzRequest> Request = Gen.Frequency(
        (4, Gen.Select(Path, Data, Mode, Ttl, (p, d, m, t) => (FuzzRequest)new CreateRequestFuzz(p, d, m, t))),
        (3, Gen.Select(Path, Data, Version, (p, d, v) => (FuzzRequest)new SetRequestFuzz(p, d, v))),
        (3, Gen.Select(Path, Version, (p, v) => (FuzzRequest)new DeleteRequestFuzz(p, v))),
        (2, Gen.Select(Path, Gen.Int[0, 3], (p, k) => (FuzzRequest)new ReadRequestFuzz(p, k))),
        (3, Gen.Frequency((8, Op.Array[1, 3]), (1, Op.Array[0, 0]), (1, Op.Array[31, 34]), (1, Gen.Const((ZNodeOp?[])null!))).Select(ops => (FuzzRequest)new MultiRequestFuzz(ops))));
}
