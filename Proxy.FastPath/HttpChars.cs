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

    /// <summary>A control byte other than HTAB (CR, LF, NUL and the rest, DEL): never part of a field value (RFC 9110 §5.5).</summary>
    public static bool HasControl(ReadOnlySpan<byte> line) => line.ContainsAny(Controls);

    /// <summary>An LF not preceded by CR: a line end RFC 9112 §2.2 lets a recipient accept, which a proxy must not guess at.</summary>
    public static bool HasBareLineFeed(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        int found;
        while ((found = bytes[offset..].IndexOf((byte)'\n')) >= 0)
        {
            var at = offset + found;
            if (at == 0 || bytes[at - 1] != '\r') return true;
            offset = at + 1;
        }

        return false;
    }

    private static readonly SearchValues<byte> Controls = SearchValues.Create(Enumerable.Range(0, 0x20).Where(b => b != '\t').Append(0x7F).Select(b => (byte)b).ToArray());

    private static readonly SearchValues<byte> FieldChars = SearchValues.Create(Enumerable.Range(0x20, 0x5F).Select(b => (byte)b).Append((byte)'\t').ToArray());
}
