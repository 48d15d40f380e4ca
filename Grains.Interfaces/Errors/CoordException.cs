namespace OrleansCoord.Errors;

/// <summary>
/// A typed failure of a grid operation. <see cref="Code"/> says what went wrong in ZooKeeper's terms,
/// <see cref="Path"/> names the znode (or other object) it concerns.
/// </summary>
/// <remarks>The message reads like the CLI prints it: <c>BadVersion: /a (expected 0, actual 1)</c>.</remarks>
[GenerateSerializer]
public sealed class CoordException : Exception
{
    public CoordException(CoordErrorCode code, string? path, string? detail = null)
        : base(Format(code, path, detail))
    {
        Code = code;
        Path = path;
        Detail = detail;
    }

    [Id(0)] public CoordErrorCode Code { get; }

    [Id(1)] public string? Path { get; }

    [Id(2)] public string? Detail { get; }

    public static string Format(CoordErrorCode code, string? path, string? detail)
    {
        var text = path is null ? code.ToString() : $"{code}: {path}";
        return detail is null ? text : $"{text} ({detail})";
    }

    public static CoordException NoNode(string path) => new(CoordErrorCode.NoNode, path);

    public static CoordException NodeExists(string path) => new(CoordErrorCode.NodeExists, path);

    public static CoordException NotEmpty(string path) => new(CoordErrorCode.NotEmpty, path);

    public static CoordException BadVersion(string path, int expected, int actual) =>
        new(CoordErrorCode.BadVersion, path, $"expected {expected}, actual {actual}");

    public static CoordException BadArguments(string? path, string detail) =>
        new(CoordErrorCode.BadArguments, path, detail);

    public static CoordException NoChildrenForEphemerals(string path) =>
        new(CoordErrorCode.NoChildrenForEphemerals, path);

    public static CoordException NoAuth(string path, string? detail = null) => new(CoordErrorCode.NoAuth, path, detail);

    public static CoordException InvalidAcl(string? path, string detail) => new(CoordErrorCode.InvalidAcl, path, detail);

    public static CoordException AuthFailed(string scheme, string detail) => new(CoordErrorCode.AuthFailed, scheme, detail);

    public static CoordException SessionExpired(long sessionId) =>
        new(CoordErrorCode.SessionExpired, $"0x{sessionId:x16}");
}
