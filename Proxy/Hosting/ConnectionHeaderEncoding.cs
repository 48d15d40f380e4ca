using System.Text;

namespace OrleansCoord.Proxy.Hosting;

/// <summary>
/// Keeps the header names a request's Connection header gives (RFC 9110 §7.6.1) visible to
/// <see cref="Forwarding.StrictFramingMiddleware"/>, which removes those headers. Kestrel parses Connection for its
/// options (keep-alive, close, upgrade) before the application runs and, when exactly one option is given, replaces the
/// whole value by that option (it interns it), so <c>keep-alive, X-Secret</c> reached the application as
/// <c>keep-alive</c> and X-Secret was forwarded. Through Kestrel's request header encoding selector this encoding decodes
/// a Connection value that names a header so that Kestrel sees no lone option: without <c>keep-alive</c> (HTTP/1.1's
/// default anyway) and, when <c>close</c> or <c>upgrade</c> is there, with <c>keep-alive</c> added, which changes
/// neither (close wins, an upgrade is an upgrade). The names stay in the value. A value that names no header, and
/// every other header, decodes exactly as before. Bytes outside visible ASCII, space and tab are refused as Kestrel's
/// default decoding refuses them (400).
/// </summary>
/// <remarks>An HTTP/1.0 request with <c>Connection: keep-alive, X-Name</c> loses its keep-alive: its connection is
/// closed after the answer (HTTP/1.0 keep-alive is opt-in; nothing is misread).</remarks>
internal sealed class ConnectionHeaderEncoding : Encoding
{
    public static readonly ConnectionHeaderEncoding Instance = new();

    public override int GetCharCount(ReadOnlySpan<byte> bytes) => Decode(bytes).Length;

    public override int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        var value = Decode(bytes);
        value.CopyTo(chars);
        return value.Length;
    }

    public override int GetCharCount(byte[] bytes, int index, int count) => GetCharCount(bytes.AsSpan(index, count));

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex) =>
        GetChars(bytes.AsSpan(byteIndex, byteCount), chars.AsSpan(charIndex));

    /// <summary>At most one ", keep-alive" more than the bytes.</summary>
    public override int GetMaxCharCount(int byteCount) => byteCount + 12;

    // Never used to write: Kestrel only decodes request headers with it.
    public override int GetByteCount(char[] chars, int index, int count) => count;

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) =>
        ASCII.GetBytes(chars, charIndex, charCount, bytes, byteIndex);

    public override int GetMaxByteCount(int charCount) => charCount;

    /// <summary>The value Kestrel gets for Connection bytes <paramref name="bytes"/>.</summary>
    internal static string Decode(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is not ((>= 0x20 and < 0x7F) or (byte)'\t')) throw new DecoderFallbackException($"invalid byte 0x{b:X2} in the Connection header");
        }

        var value = Encoding.ASCII.GetString(bytes);
        var tokens = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(token => token.Trim(' ', '\t')).Where(token => token.Length > 0).ToList();
        if (tokens.All(IsOption)) return value;
        var kept = tokens.Where(token => !token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)).ToList();
        if (kept.Any(IsOption)) kept.Add("keep-alive");
        return string.Join(", ", kept);
    }

    private static bool IsOption(string token) =>
        token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase) || token.Equals("close", StringComparison.OrdinalIgnoreCase)
        || token.Equals("upgrade", StringComparison.OrdinalIgnoreCase);
}
