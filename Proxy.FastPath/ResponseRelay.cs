using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>How an answer's body ends.</summary>
internal enum BodyFraming
{
    /// <summary>No body: HEAD, 204, 304.</summary>
    None,
    ContentLength,
    Chunked,

    /// <summary>Until the upstream closes (no length given); the client gets it chunked, as Kestrel would send it.</summary>
    UntilClose,
}

/// <summary>An upstream answer's head: status, framing, whether the connection may serve another request.</summary>
internal readonly record struct ResponseHead(int Status, int HeadLength, int StatusLineLength, BodyFraming Framing, long ContentLength, bool KeepAlive);

/// <summary>
/// Reads an upstream's HTTP/1.1 answer and writes it to the client as Kestrel and YARP would: status and headers
/// (hop-by-hop ones dropped, YARP's list), the body as it came (Content-Length or chunked; trailers are dropped, as
/// Kestrel sends none on HTTP/1.1), a close-delimited body chunked. Written bytes are flushed only before waiting
/// for the upstream, so a small answer reaches the client in one write.
/// </summary>
internal static class ResponseRelay
{
    private const int MaxLine = 4096;

    /// <summary>The next final answer (interim 1xx answers are skipped, as SocketsHttpHandler does).</summary>
    [AsyncMethodBuilder(typeof(SharedPoolValueTaskMethodBuilder<>))]
    public static async ValueTask<ResponseHead> ReadHeadAsync(UpstreamConnection upstream, bool headRequest)
    {
        while (true)
        {
            int end;
            while ((end = upstream.Buffered.IndexOf("\r\n\r\n"u8)) < 0)
            {
                // A head with bare LF line ends never shows CRLFCRLF: refused now rather than after the upstream timeout.
                if (HttpChars.HasBareLineFeed(upstream.Buffered)) throw new UpstreamException("an answer's head line does not end in CRLF");
                var started = upstream.End > upstream.Start;
                if (await upstream.ReceiveAsync() == 0)
                {
                    throw new UpstreamException("the upstream closed the connection before answering", answerStarted: started);
                }
            }

            var head = Parse(upstream.Buffered[..(end + 4)], headRequest);
            // The fast path never forwards an upgrade (those requests are Kestrel's): a 101 here switches to a protocol
            // nobody asked for, and relaying it would leave the client reading HTTP from a connection it thinks switched.
            if (head.Status == 101) throw new UpstreamException("the answer switches protocols the request did not ask for");
            if (head.Status is >= 100 and < 200)
            {
                upstream.Start += head.HeadLength;
                continue;
            }

            return head;
        }
    }

    /// <summary>Writes the answer's status line and headers to <paramref name="output"/> and consumes them.</summary>
    public static void WriteHead(UpstreamConnection upstream, in ResponseHead head, ClientOutput output, bool closeClient)
    {
        var bytes = upstream.Buffered[..head.HeadLength];
        output.Write("HTTP/1.1"u8);
        output.Write(bytes[8..(head.StatusLineLength + 2)]);
        var position = head.StatusLineLength + 2;
        while (true)
        {
            var length = bytes[position..].IndexOf("\r\n"u8);
            if (length == 0) break;
            var line = bytes.Slice(position, length + 2);
            var name = line[..line.IndexOf((byte)':')];
            if (!HeaderKinds.IsHopByHopResponse(name)) output.Write(line);
            position += length + 2;
        }

        if (head.Framing is BodyFraming.Chunked or BodyFraming.UntilClose) output.Write("Transfer-Encoding: chunked\r\n"u8);
        if (closeClient) output.Write("Connection: close\r\n"u8);
        output.Write("\r\n"u8);
        upstream.Start += head.HeadLength;
    }

    /// <summary>Relays the body; true when the connection ended the answer cleanly and may serve another request.</summary>
    [AsyncMethodBuilder(typeof(SharedPoolValueTaskMethodBuilder<>))]
    public static async ValueTask<bool> CopyBodyAsync(UpstreamConnection upstream, ResponseHead head, ClientOutput output)
    {
        switch (head.Framing)
        {
            case BodyFraming.ContentLength:
                await CopyAsync(upstream, head.ContentLength, output);
                break;
            case BodyFraming.Chunked:
                await CopyChunksAsync(upstream, output);
                break;
            case BodyFraming.UntilClose:
                await ChunkUntilCloseAsync(upstream, output);
                return false;
        }

        return head.KeepAlive && upstream.End == upstream.Start;
    }

    [AsyncMethodBuilder(typeof(SharedPoolValueTaskMethodBuilder))]
    private static async ValueTask CopyAsync(UpstreamConnection upstream, long remaining, ClientOutput output)
    {
        while (true)
        {
            var take = (int)Math.Min(remaining, upstream.End - upstream.Start);
            output.Write(upstream.Buffered[..take]);
            upstream.Start += take;
            remaining -= take;
            if (remaining == 0) return;
            await ReceiveMoreAsync(upstream, output);
        }
    }

    [AsyncMethodBuilder(typeof(SharedPoolValueTaskMethodBuilder))]
    private static async ValueTask CopyChunksAsync(UpstreamConnection upstream, ClientOutput output)
    {
        while (true)
        {
            var length = await ReadLineAsync(upstream, output);
            var size = ChunkSize(upstream.Buffered[..length]); // also refuses a control byte: the line is relayed
            if (size == 0)
            {
                upstream.Start += length + 2;
                while ((length = await ReadLineAsync(upstream, output)) > 0) upstream.Start += length + 2; // trailers
                upstream.Start += 2;
                output.Write("0\r\n\r\n"u8);
                return;
            }

            output.Write(upstream.Buffered[..(length + 2)]);
            upstream.Start += length + 2;
            await CopyAsync(upstream, size, output);
            if (await ReadLineAsync(upstream, output) != 0) throw new UpstreamException("a chunk is longer than its size", answerStarted: true);
            output.Write("\r\n"u8);
            upstream.Start += 2;
        }
    }

    [AsyncMethodBuilder(typeof(SharedPoolValueTaskMethodBuilder))]
    private static async ValueTask ChunkUntilCloseAsync(UpstreamConnection upstream, ClientOutput output)
    {
        while (true)
        {
            var length = upstream.End - upstream.Start;
            if (length > 0)
            {
                output.Write(System.Text.Encoding.ASCII.GetBytes(length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
                output.Write(upstream.Buffered);
                output.Write("\r\n"u8);
                upstream.Start = upstream.End;
            }

            if (!await output.FlushAsync() || await upstream.ReceiveAsync() == 0) break;
        }

        output.Write("0\r\n\r\n"u8);
    }

    // The length of the next line (without its CRLF), which is then buffered from Start.
    [AsyncMethodBuilder(typeof(SharedPoolValueTaskMethodBuilder<>))]
    private static async ValueTask<int> ReadLineAsync(UpstreamConnection upstream, ClientOutput output)
    {
        int length;
        while ((length = upstream.Buffered.IndexOf("\r\n"u8)) < 0)
        {
            if (upstream.End - upstream.Start > MaxLine) throw new UpstreamException("a chunk line is too long", answerStarted: true);
            await ReceiveMoreAsync(upstream, output);
        }

        return length;
    }

    [AsyncMethodBuilder(typeof(SharedPoolValueTaskMethodBuilder))]
    private static async ValueTask ReceiveMoreAsync(UpstreamConnection upstream, ClientOutput output)
    {
        if (!await output.FlushAsync()) throw new ClientGoneException();
        if (await upstream.ReceiveAsync() == 0) throw new UpstreamException("the upstream closed the connection in the middle of an answer", answerStarted: true);
    }

    private static long ChunkSize(ReadOnlySpan<byte> line)
    {
        if (HttpChars.HasControl(line)) throw new UpstreamException("a chunk line holds a control byte", answerStarted: true);
        var end = line.IndexOfAny(";\t "u8);
        var digits = end < 0 ? line : line[..end];
        if (digits.Length is 0 or > 15 || !long.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size))
        {
            throw new UpstreamException("a chunk size is not hexadecimal", answerStarted: true);
        }

        return size;
    }

    private static ResponseHead Parse(ReadOnlySpan<byte> head, bool headRequest)
    {
        var statusLineLength = head.IndexOf("\r\n"u8);
        var statusLine = head[..statusLineLength];
        var http11 = statusLine.StartsWith("HTTP/1.1 "u8);
        if (!(http11 || statusLine.StartsWith("HTTP/1.0 "u8)) || statusLine.Length < 12 || HttpChars.HasControl(statusLine)
            || !int.TryParse(statusLine[9..12], NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status < 100
            || (statusLine.Length > 12 && statusLine[12] != ' '))
        {
            throw new UpstreamException("the answer's status line is not HTTP/1.x");
        }

        long contentLength = -1;
        bool chunked = false, close = !http11;
        var position = statusLineLength + 2;
        while (true)
        {
            var length = head[position..].IndexOf("\r\n"u8);
            if (length == 0) break;
            var line = head.Slice(position, length);
            // CR, LF or NUL in a value (RFC 9110 §5.5) would reach the client as a line break of its own: response
            // splitting. Lines are split on CRLF only, so a bare CR or LF is inside a line and refused here.
            if (HttpChars.HasControl(line)) throw new UpstreamException("an answer header holds a control byte");
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || !HttpChars.IsToken(line[..colon])) throw new UpstreamException("an answer header is malformed");
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || (contentLength >= 0 && parsed != contentLength))
                {
                    throw new UpstreamException("the answer's Content-Length is malformed");
                }

                contentLength = parsed;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                // Only one plain "chunked" is decoded; any other coding ("xchunked", "gzip, chunked") or a second
                // header would be a framing guessed at, and HTTP/1.0 has no Transfer-Encoding (RFC 9112 §6.1).
                if (chunked || !http11 || !Ascii.EqualsIgnoreCase(value, "chunked"u8)) throw new UpstreamException("the answer's Transfer-Encoding is not one plain chunked");
                chunked = true;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                foreach (var range in value.Split((byte)','))
                {
                    var token = value[range].Trim(" \t"u8);
                    if (Ascii.EqualsIgnoreCase(token, "close"u8)) close = true;
                    else if (!http11 && Ascii.EqualsIgnoreCase(token, "keep-alive"u8)) close = false;
                }
            }

            position += length + 2;
        }

        // Both: a sign of response splitting (RFC 9112 §6.3), which nginx refuses too.
        if (chunked && contentLength >= 0) throw new UpstreamException("the answer has both Transfer-Encoding and Content-Length");
        var framing = headRequest || status is 204 or 304 || status < 200 ? BodyFraming.None
            : chunked ? BodyFraming.Chunked
            : contentLength >= 0 ? BodyFraming.ContentLength
            : BodyFraming.UntilClose;
        return new ResponseHead(status, position + 2, statusLineLength, framing, Math.Max(contentLength, 0), !close);
    }
}

/// <summary>The client closed its connection while its answer was being written.</summary>
internal sealed class ClientGoneException() : Exception("the client closed the connection");
