using OrleansCoord.Errors;

namespace OrleansCoord.Robustness.Tests.Linearizability;

/// <summary>Short hand for writing histories in tests: one key unless told, times in microseconds.</summary>
internal static class Ops
{
    public const string Key = "/k";

    public static Operation Create(int client, string data, long call, long? ret, CoordErrorCode? code = CoordErrorCode.Ok, string key = Key) =>
        new(client, key, RegisterOp.Create, new OpInput(data), new OpOutput(code), call, ret);

    public static Operation Set(int client, int version, string data, long call, long? ret, CoordErrorCode? code = CoordErrorCode.Ok, int? newVersion = null, string key = Key) =>
        new(client, key, RegisterOp.Set, new OpInput(data, version), new OpOutput(code, Version: newVersion), call, ret);

    public static Operation Delete(int client, int version, long call, long? ret, CoordErrorCode? code = CoordErrorCode.Ok, string key = Key) =>
        new(client, key, RegisterOp.Delete, new OpInput(Version: version), new OpOutput(code), call, ret);

    public static Operation Get(int client, string data, int version, long call, long ret, string key = Key) =>
        new(client, key, RegisterOp.Get, new OpInput(), new OpOutput(CoordErrorCode.Ok, data, version), call, ret);

    public static Operation GetMissing(int client, long call, long ret, string key = Key) =>
        new(client, key, RegisterOp.Get, new OpInput(), new OpOutput(CoordErrorCode.NoNode), call, ret);

    public static Operation TimedOut(Operation operation) => operation with { Output = OpOutput.Unknown, Return = null };
}
