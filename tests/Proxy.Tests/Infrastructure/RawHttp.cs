using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace OrleansCoord.Proxy.Tests.Infrastructure;

/// <summary>
/// One client connection written byte by byte, for what HttpClient does not send: pipelined requests, a malformed
/// head, an upgrade after plain requests on the same connection. Reads answers framed by Content-Length or chunked.
/// Over TLS too (<see cref="ConnectTlsAsync"/>).
/// </summary>
public sealed class RawHttp : IAsyncDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);
    private readonly TcpClient _client;
    private readonly Stream _stream;
    private byte[] _buffer = new byte[256 * 1024];
    private int _start;
    private int _end;

    private RawHttp(TcpClient client, Stream? stream = null)
    {
        _client = client;
        _stream = stream ?? client.GetStream();
    }

    /// <summary>A TLS connection, any certificate trusted, offering <paramref name="protocols"/> by ALPN (none: no ALPN).</summary>
    public static async Task<RawHttp> ConnectTlsAsync(int port, params SslApplicationProtocol[] protocols)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var tls = new SslStream(client.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, _, _, _) => true, // the proxy's self-signed certificate
            ApplicationProtocols = protocols.Length == 0 ? null : [.. protocols],
        });
        return new RawHttp(client, tls);
    }

    /// <summary>The protocol agreed by ALPN on a TLS connection (empty: none).</summary>
    public string NegotiatedProtocol => _stream is SslStream tls ? tls.NegotiatedApplicationProtocol.ToString() : "";

    public static async Task<RawHttp> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        return new RawHttp(client);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>The next answer: status, headers (repeated ones joined with ", "), body (none for a HEAD request).</summary>
    public async Task<RawResponse> ReadResponseAsync(bool toHead = false)
    {
        var head = Encoding.ASCII.GetString(await ReadUntilAsync("\r\n\r\n"u8.ToArray()));
        var lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            var (name, value) = (line[..colon], line[(colon + 1)..].Trim());
            headers[name] = headers.TryGetValue(name, out var existing) ? $"{existing}, {value}" : value;
        }

        var status = int.Parse(lines[0].Split(' ')[1]);
        var body = new MemoryStream();
        if (toHead)
        {
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked"))
        {
            while (true)
            {
                var size = Convert.ToInt32(Encoding.ASCII.GetString(await ReadUntilAsync("\r\n"u8.ToArray())).Trim().Split(';')[0], 16);
                if (size == 0)
                {
                    while ((await ReadUntilAsync("\r\n"u8.ToArray())).Length > 2)
                    {
                    }

                    break;
                }

                body.Write(await ReadExactlyAsync(size));
                await ReadExactlyAsync(2);
            }
        }
        else if (headers.TryGetValue("Content-Length", out var length))
        {
            body.Write(await ReadExactlyAsync(int.Parse(length)));
        }

        return new RawResponse(status, headers, Encoding.UTF8.GetString(body.ToArray()));
    }

    public async Task<byte[]> ReadExactlyAsync(int count)
    {
        while (_end - _start < count) await FillAsync();
        var result = _buffer.AsSpan(_start, count).ToArray();
        _start += count;
        return result;
    }

    /// <summary>True when the proxy closed the connection (after whatever it had sent); with <paramref name="within"/>,
    /// false when it is still open after that long.</summary>
    public async Task<bool> IsClosedAsync(TimeSpan? within = null)
    {
        try
        {
            while (true) await FillAsync(within);
        }
        catch (OperationCanceledException) when (within is not null)
        {
            return false;
        }
        catch (EndOfStreamException)
        {
            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_stream is SslStream tls) tls.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<byte[]> ReadUntilAsync(byte[] end)
    {
        int index;
        while ((index = _buffer.AsSpan(_start, _end - _start).IndexOf(end)) < 0) await FillAsync();
        return await ReadExactlyAsync(index + end.Length);
    }

    private async Task FillAsync(TimeSpan? timeout = null)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            (_start, _end) = (0, _end - _start);
        }

        if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2); // a large answer read whole
        using var cancel = new CancellationTokenSource(timeout ?? ReadTimeout);
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancel.Token);
        if (read == 0) throw new EndOfStreamException("the proxy closed the connection");
        _end += read;
    }
}

/// <summary>An answer read by <see cref="RawHttp"/>.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
