using System.Text;
namespace OrleansCoord.Proxy.FastPath;

/// <summary>
/// One HTTP/1.1 request head, parsed strictly from a copy of its bytes. Anything the fast path does not handle
/// exactly as Kestrel and YARP would (HTTP/1.0, absolute-form targets, percent-encoded or dot segments, a body
/// that is not one plain Content-Length, Expect, Upgrade, a Connection upgrade or malformed Connection list, obs-fold,
/// non-ASCII bytes, a missing or odd Host) makes <see cref="TryParse"/> return false: the request then goes to
/// Kestrel untouched, which answers it (400 for a malformed head) as it always did. Reused per connection. Headers
/// named with an underscore are dropped unless <paramref name="keepUnderscored"/> (FastPathOptions.UnderscoresInHeaders).
/// </summary>
internal sealed class RequestHead(bool keepUnderscored = false)
{
    /// <summary>Kestrel's limit on headers is 100; past that Kestrel decides (431).</summary>
    public const int MaxHeaders = 100;

    private readonly HeaderLine[] _headers = new HeaderLine[MaxHeaders];
    private bool _nominates; // the Connection header names headers to drop

    /// <summary>The head's bytes, from the request line through the empty line.</summary>
    public byte[] Bytes { get; private set; } = new byte[1024];

    public int Length { get; private set; }

    public Range Method { get; private set; }

    /// <summary>Origin-form target: the path and the query with its '?'.</summary>
    public Range Target { get; private set; }

    public Range Path { get; private set; }

    public Range Host { get; private set; }

    public long ContentLength { get; private set; }

    /// <summary>The client sent <c>Connection: close</c>: answer, then close.</summary>
    public bool Close { get; private set; }

    public int HeaderCount { get; private set; }

    public ReadOnlySpan<HeaderLine> Headers => _headers.AsSpan(0, HeaderCount);

    public ReadOnlySpan<byte> this[Range range] => Bytes.AsSpan(range);

    /// <summary>Copies <paramref name="head"/> (through its empty line) and parses it; false: leave it to Kestrel.</summary>
    public bool TryParse(ReadOnlySpan<byte> head)
    {
        if (Bytes.Length < head.Length) Bytes = new byte[Math.Max(head.Length, Bytes.Length * 2)];
        head.CopyTo(Bytes);
        Length = head.Length;
        HeaderCount = 0;
        ContentLength = 0;
        Close = false;
        Host = default;
        var span = Bytes.AsSpan(0, Length);

        var lineEnd = span.IndexOf("\r\n"u8);
        if (!ParseRequestLine(span[..lineEnd])) return false;
        var position = lineEnd + 2;
        var sawContentLength = false;
        _nominates = false;
        while (true)
        {
            var end = span[position..].IndexOf("\r\n"u8);
            if (end < 0) return false;
            if (end == 0) return Host.End.Value != 0 && (!_nominates || DropNominated());
            if (HeaderCount == MaxHeaders) return false;
            if (!ParseHeader(position, end, out var line)) return false;
            switch (line.Kind)
            {
                case HeaderKind.Host:
                    if (Host.End.Value != 0 || !IsHostValue(span[line.Value])) return false;
                    Host = line.Value;
                    break;
                case HeaderKind.ContentLength:
                    if (sawContentLength || !TryParseLength(span[line.Value], out var length)) return false;
                    sawContentLength = true;
                    ContentLength = length;
                    break;
                case HeaderKind.Connection:
                    if (!ParseConnection(span[line.Value])) return false;
                    break;
                case HeaderKind.NotHandled:
                    return false;
            }

            _headers[HeaderCount++] = line;
            position += end + 2;
        }
    }

    /// <summary>The value of the first header called <paramref name="name"/>, joined with "," over repeats (as ASP.NET's
    /// header dictionary gives it); null when absent.</summary>
    public string? HeaderValue(string name)
    {
        string? value = null;
        foreach (var line in Headers)
        {
            if (!Ascii.EqualsIgnoreCase(this[line.Name], name)) continue;
            var text = System.Text.Encoding.ASCII.GetString(this[line.Value]);
            value = value is null ? text : value + "," + text;
        }

        return value;
    }

    private bool ParseRequestLine(ReadOnlySpan<byte> line)
    {
        var firstSpace = line.IndexOf((byte)' ');
        if (firstSpace <= 0 || !HttpChars.IsToken(line[..firstSpace])) return false;
        var rest = line[(firstSpace + 1)..];
        var secondSpace = rest.IndexOf((byte)' ');
        if (secondSpace <= 0 || !rest[(secondSpace + 1)..].SequenceEqual("HTTP/1.1"u8)) return false;
        var target = rest[..secondSpace];
        if (target[0] != '/') return false; // absolute-form, authority-form, asterisk-form: Kestrel's
        var query = target.IndexOf((byte)'?');
        var path = query < 0 ? target : target[..query];
        if (!HttpChars.IsPlainPath(path) || (query >= 0 && !HttpChars.IsPlainQuery(target[(query + 1)..]))) return false;
        Method = new Range(0, firstSpace);
        if (line[..firstSpace].SequenceEqual("CONNECT"u8)) return false;
        Target = new Range(firstSpace + 1, firstSpace + 1 + secondSpace);
        Path = new Range(firstSpace + 1, firstSpace + 1 + path.Length);
        return true;
    }

    private bool ParseHeader(int start, int length, out HeaderLine line)
    {
        line = default;
        var text = Bytes.AsSpan(start, length);
        var colon = text.IndexOf((byte)':');
        if (colon <= 0 || !HttpChars.IsToken(text[..colon])) return false; // also obs-fold, space before ':'
        var valueStart = colon + 1;
        while (valueStart < text.Length && text[valueStart] is (byte)' ' or (byte)'\t') valueStart++;
        var valueEnd = text.Length;
        while (valueEnd > valueStart && text[valueEnd - 1] is (byte)' ' or (byte)'\t') valueEnd--;
        if (!HttpChars.IsFieldValue(text[valueStart..valueEnd])) return false;
        var kind = HeaderKinds.Of(text[..colon]);
        if (kind == HeaderKind.Forward && !keepUnderscored && text[..colon].Contains((byte)'_')) kind = HeaderKind.Drop;
        line = new HeaderLine(new Range(start, start + colon), new Range(start + valueStart, start + valueEnd), kind);
        return true;
    }

    // keep-alive is HTTP/1.1's default; close ends the connection after this answer; any other token names a header
    // that is not forwarded (RFC 9110 §7.6.1), dropped once all headers are read; upgrade and malformed lists are
    // Kestrel's and YARP's to handle.
    private bool ParseConnection(ReadOnlySpan<byte> value)
    {
        foreach (var range in value.Split((byte)','))
        {
            var token = value[range].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(token, "close"u8)) Close = true;
            else if (Ascii.EqualsIgnoreCase(token, "upgrade"u8) || !HttpChars.IsToken(token)) return false;
            else if (!Ascii.EqualsIgnoreCase(token, "keep-alive"u8)) _nominates = true;
        }

        return true;
    }

    // The headers the Connection header names become Drop; Host and the framing headers stay the proxy's own to check
    // and write (a client cannot make it drop them); true, as the head stays the fast path's.
    private bool DropNominated()
    {
        var headers = _headers.AsSpan(0, HeaderCount);
        foreach (var connection in headers)
        {
            if (connection.Kind != HeaderKind.Connection) continue;
            var value = this[connection.Value];
            foreach (var range in value.Split((byte)','))
            {
                var token = value[range].Trim(" \t"u8);
                for (var i = 0; i < headers.Length; i++)
                {
                    if (headers[i].Kind is HeaderKind.Forward or HeaderKind.Drop && Ascii.EqualsIgnoreCase(this[headers[i].Name], token))
                    {
                        headers[i] = headers[i] with { Kind = HeaderKind.Drop };
                    }
                }
            }
        }

        return true;
    }

    private static bool TryParseLength(ReadOnlySpan<byte> value, out long length)
    {
        length = 0;
        if (value.Length is 0 or > 15) return false;
        foreach (var b in value)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
            length = length * 10 + (b - '0');
        }

        return true;
    }

    // A registered name or IPv4 address with an optional port; anything else (IPv6 literals included) is Kestrel's.
    private static bool IsHostValue(ReadOnlySpan<byte> value)
    {
        var colon = value.IndexOf((byte)':');
        var host = colon < 0 ? value : value[..colon];
        if (host.Length == 0) return false;
        foreach (var b in host)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.')) return false;
        }

        if (colon < 0) return true;
        var port = value[(colon + 1)..];
        return port.Length is > 0 and <= 5 && !port.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }
}

/// <summary>One header line of a <see cref="RequestHead"/>: where its name and (trimmed) value are, and what it is.</summary>
internal readonly record struct HeaderLine(Range Name, Range Value, HeaderKind Kind);
