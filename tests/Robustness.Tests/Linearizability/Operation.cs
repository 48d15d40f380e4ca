using System.Text.Json.Serialization;
using OrleansCoord.Errors;

namespace OrleansCoord.Robustness.Tests.Linearizability;

/// <summary>What a client asked of one key (a versioned register: a znode without children).</summary>
public enum RegisterOp
{
    Create,
    Set,
    Delete,
    Get,
}

/// <summary>The arguments of an operation: data for create/set, the expected version for set/delete (-1: any).</summary>
public sealed record OpInput(string? Data = null, int? Version = null);

/// <summary>
/// What the grid answered. <see cref="Code"/> null means the outcome is unknown (ConnectionLoss, OperationTimeout,
/// SystemError): the operation may have taken effect at any point after its call, or never.
/// </summary>
/// <param name="Data">For a get: the data read.</param>
/// <param name="Version">For a get: the version read; for a set: the new version.</param>
/// <param name="Revision">The revision the client saw in the reply (mzxid, czxid); not used by the model, kept
/// for the per-client order check.</param>
public sealed record OpOutput(
    [property: JsonConverter(typeof(JsonStringEnumConverter<CoordErrorCode>)), JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    CoordErrorCode? Code,
    string? Data = null,
    int? Version = null,
    long? Revision = null)
{
    public static OpOutput Unknown { get; } = new((CoordErrorCode?)null);

    [JsonIgnore]
    public bool IsUnknown => Code is null;
}

/// <summary>
/// One operation of a history: who, on which key, what, the answer, and when it was called and returned
/// (microseconds on one monotonic clock). An operation with an unknown outcome is treated as returning at
/// +infinity whatever <see cref="Return"/> says.
/// </summary>
public sealed record Operation(int Client, string Key, RegisterOp Op, OpInput Input, OpOutput Output, long Call, long? Return)
{
    /// <summary>When the operation must have taken effect by, for the checker.</summary>
    [JsonIgnore]
    public long EffectiveReturn => Output.IsUnknown || Return is null ? long.MaxValue : Return.Value;

    public override string ToString()
    {
        var args = Op switch
        {
            RegisterOp.Create => $"'{Input.Data}'",
            RegisterOp.Set => $"v={Input.Version}, '{Input.Data}'",
            RegisterOp.Delete => $"v={Input.Version}",
            _ => "",
        };
        var answer = Output.Code switch
        {
            null => "unknown",
            CoordErrorCode.Ok when Op == RegisterOp.Get => $"'{Output.Data}' v{Output.Version}",
            CoordErrorCode.Ok when Op == RegisterOp.Set => $"Ok v{Output.Version}",
            var code => code.ToString(),
        };
        var end = Return is { } r && !Output.IsUnknown ? r.ToString(System.Globalization.CultureInfo.InvariantCulture) : "inf";
        return $"client {Client} {Op.ToString().ToLowerInvariant()}({args}) -> {answer} [{Call}, {end}]";
    }
}
