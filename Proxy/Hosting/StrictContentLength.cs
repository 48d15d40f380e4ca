using System.Text;

namespace OrleansCoord.Proxy.Hosting;

/// <summary>
/// Makes Kestrel refuse a Content-Length that is not plain digits (RFC 9112 §6.3: <c>+5</c>, <c>-0</c>), as the fast path
/// and nginx do. Kestrel parses Content-Length with <c>Utf8Parser</c>, which takes a sign, and keeps only the number, so
/// nothing after it can tell <c>+5</c> from <c>5</c>. What Kestrel does consult is its request header encoding selector:
/// given an encoding for Content-Length, it decodes the value with it and parses the characters. This encoding decodes
/// digits as themselves and every other byte as a character no number has, so Kestrel itself answers 400 and closes the
/// connection, before any body is read (<see cref="RequestHeaderDecoding"/> gives it to Kestrel).
/// </summary>
internal sealed class StrictContentLength : Encoding
{
    public static readonly StrictContentLength Instance = new();

    public override int GetCharCount(ReadOnlySpan<byte> bytes) => bytes.Length;

    /// <summary>One character per byte; a value longer than <paramref name="chars"/> fills it (Kestrel gives room for 20 and
    /// refuses more than 19).</summary>
    public override int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        var count = Math.Min(bytes.Length, chars.Length);
        for (var i = 0; i < count; i++) chars[i] = bytes[i] is >= (byte)'0' and <= (byte)'9' ? (char)bytes[i] : 'x';
        return count;
    }

    public override int GetCharCount(byte[] bytes, int index, int count) => count;

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex) =>
        GetChars(bytes.AsSpan(byteIndex, byteCount), chars.AsSpan(charIndex));

    public override int GetMaxCharCount(int byteCount) => byteCount;

    // Never used to write: Kestrel only decodes request headers with it.
    public override int GetByteCount(char[] chars, int index, int count) => count;

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) =>
        ASCII.GetBytes(chars, charIndex, charCount, bytes, byteIndex);

    public override int GetMaxByteCount(int charCount) => charCount;
}
