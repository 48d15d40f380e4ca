using OrleansCoord.Client;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Robustness.Tests.Fuzz;

/// <summary>One SDK call with generated arguments.</summary>
public abstract record FuzzRequest
{
    public abstract Task RunAsync(CoordClient client);

    protected static string Show(string? path) => path is null ? "null" : System.Text.Json.JsonSerializer.Serialize(path);

    protected static string Show(byte[]? data) => data is null ? "null" : $"{data.Length} bytes";
}

public sealed record CreateRequestFuzz(string? Path, byte[]? Data, CreateMode Mode, long TtlMs) : FuzzRequest
{
    public override Task RunAsync(CoordClient client) => client.CreateAsync(Path!, Data, Mode, TtlMs);

    public override string ToString() => $"create({Show(Path)}, {Show(Data)}, {(int)Mode}, ttl {TtlMs})";
}

public sealed record SetRequestFuzz(string? Path, byte[]? Data, int Version) : FuzzRequest
{
    public override Task RunAsync(CoordClient client) => client.SetDataAsync(Path!, Data, Version);

    public override string ToString() => $"set({Show(Path)}, {Show(Data)}, v {Version})";
}

public sealed record DeleteRequestFuzz(string? Path, int Version) : FuzzRequest
{
    public override Task RunAsync(CoordClient client) => client.DeleteAsync(Path!, Version);

    public override string ToString() => $"delete({Show(Path)}, v {Version})";
}

/// <summary>A read: getData, exists, getChildren or sync, chosen by <see cref="Kind"/>.</summary>
public sealed record ReadRequestFuzz(string? Path, int Kind) : FuzzRequest
{
    public override Task RunAsync(CoordClient client) => Kind switch
    {
        0 => client.GetDataAsync(Path!),
        1 => client.ExistsAsync(Path!),
        2 => client.GetChildrenAsync(Path!),
        _ => client.SyncAsync(Path!),
    };

    public override string ToString() => $"read{Kind}({Show(Path)})";
}

public sealed record MultiRequestFuzz(ZNodeOp?[]? Ops) : FuzzRequest
{
    public override Task RunAsync(CoordClient client) => client.MultiAsync(Ops!);

    public override string ToString() => Ops is null ? "multi(null)" : $"multi[{string.Join(", ", Ops.Select(Show))}]";

    private static string Show(ZNodeOp? op) => op switch
    {
        null => "null",
        CreateOp c => $"create({FuzzRequest.Show(c.Path)}, {FuzzRequest.Show(c.Data)}, {(int)c.Mode}, ttl {c.TtlMs})",
        SetDataOp s => $"set({FuzzRequest.Show(s.Path)}, {FuzzRequest.Show(s.Data)}, v {s.Version})",
        DeleteOp d => $"delete({FuzzRequest.Show(d.Path)}, v {d.Version})",
        CheckOp k => $"check({FuzzRequest.Show(k.Path)}, v {k.Version})",
        _ => op.GetType().Name,
    };
}
