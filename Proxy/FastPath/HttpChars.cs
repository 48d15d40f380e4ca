using System.Buffers;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>The byte classes of RFC 9110/9112 that the fast path's strict parsers accept.</summary>
internal static class HttpChars
{
    private static readonly SearchValues<byte> Token = SearchValues.Create("!#$&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz%"u8);

    // RFC 3986 pchar without '%': a path with a percent-encoding is decoded by Kestrel before routing, so it goes there.
    private static readonly SearchValues<byte> PathChars = SearchValues.Create("/-._~!$&'()*+,;=:@0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    private static readonly SearchValues<byte> QueryChars = SearchValues.Create("/?-._~!$&'()*+,;=:@0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    public static bool IsToken(ReadOnlySpan<byte> value) => value.Length > 0 && !value.ContainsAnyExcept(Token);

    /// <summary>An absolute path that Kestrel would pass to routing unchanged: no percent-encoding, no empty or dot
    /// segment, no trailing '/' (except the root).</summary>
    public static bool IsPlainPath(ReadOnlySpan<byte> path) =>
        !path.ContainsAnyExcept(PathChars) && path.IndexOf("//"u8) < 0 && path.IndexOf("/."u8) < 0
        && (path.Length == 1 || path[^1] != '/');

    public static bool IsPlainQuery(ReadOnlySpan<byte> query) => !query.ContainsAnyExcept(QueryChars);

    /// <summary>Visible ASCII, space and tab (Kestrel also takes other bytes under settings; those go to Kestrel).</summary>
    public static bool IsFieldValue(ReadOnlySpan<byte> value) =>
        !value.ContainsAnyExcept(FieldChars);

    private static readonly SearchValues<byte> FieldChars = SearchValues.Create(Enumerable.Range(0x20, 0x5F).Select(b => (byte)b).Append((byte)'\t').ToArray());
}
