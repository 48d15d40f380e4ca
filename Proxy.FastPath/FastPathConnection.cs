using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Runtime.CompilerServices;
using OrleansCoord.Proxy.FastPath.Loop;
using OrleansCoord.Proxy.FastPath.Tls;
using OrleansCoord.Proxy.LoadBalancing;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>
/// One client connection on the main port, served request by request on its event loop: a request head is parsed
/// from the bytes received, routed and balanced with YARP's own state, sent over a pooled upstream connection of the
/// same loop and its answer copied back. The first request the fast path cannot serve exactly as YARP would is not
/// consumed: the connection, with the bytes received so far, is handed to Kestrel (and YARP) for the rest of its
/// life. Requests are answered one at a time, so pipelined requests are answered in order. On the HTTPS port the
/// connection first ends TLS (an <see cref="SslStream"/> over the loop's socket, Tls/LoopSocketStream.cs) and then
/// serves the decrypted bytes the same way; what it leaves goes to Kestrel decrypted, in the same TLS session.
/// </summary>
internal sealed partial class FastPathConnection : IBalancingRequest, EventLoop.ILoopConnection
{
    /// <summary>Larger heads go to Kestrel (its own limit is 32 KiB of headers).</summary>
    public const int MaxHeadSize = 16 * 1024;

    /// <summary>Larger bodies go to YARP, which streams them.</summary>
    public const int MaxBodySize = 64 * 1024;

    private readonly LoopSocket _client;
    private readonly SslServerAuthenticationOptions? _tlsOptions;
    private readonly LoopSocketStream? _tlsTransport;
    private readonly SslStream? _tls;
    private readonly FastPathServices _services;
    private readonly IPEndPoint? _remote;
    private readonly RequestHead _head;
    private readonly ClientOutput _output;
    private byte[] _input = new byte[4096];
    private int _inputStart, _inputEnd;
    private byte[] _outgoing = new byte[2048];
    private int _outgoingLength;
    private byte[] _body = [];
    private string? _remoteAddress;
    private byte[]? _forwardedFor;

    /// <param name="tls">The HTTPS port's TLS settings; null on the cleartext port.</param>
    public FastPathConnection(LoopSocket client, IPEndPoint? remote, FastPathServices services, SslServerAuthenticationOptions? tls = null)
    {
        _head = new RequestHead(services.Options.UnderscoresInHeaders);
        _client = client;
        _remote = remote;
        _services = services;
        if (tls is not null)
        {
            _tlsOptions = tls;
            _tlsTransport = new LoopSocketStream(client);
            _tls = new SslStream(_tlsTransport, leaveInnerStreamOpen: false);
        }

        _output = new ClientOutput(client, _tls);
    }

    /// <summary>Whether the client came over TLS (X-Forwarded-Proto https).</summary>
    private bool Secure => _tls is not null;

    private ClientOutput Output => _output;

    private EventLoop Loop => _client.Loop;

    private ReadOnlySpan<byte> Received => _input.AsSpan(_inputStart, _inputEnd - _inputStart);

    /// <summary>Serves the connection until it closes or is handed to Kestrel; runs on the client's loop.</summary>
    public async Task RunAsync()
    {
        Loop.Add(this);
        string? handoff = null;
        try
        {
            handoff = _tls is null ? await ServeRequestsAsync() : await ServeTlsAsync(_tls);
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or ClientGoneException or AuthenticationException)
        {
            // the client went away, or was cut off, or its TLS handshake failed (as on Kestrel's HTTPS port: closed, no answer)
        }
        catch (Exception exception)
        {
            _services.Logger.LogError(exception, "A fast-path connection failed");
        }
        finally
        {
            _clientWaitSince = 0;
            Loop.Remove(this);
        }

        // Kestrel counts a handed-over connection in again (Hosting/ClientConnections.cs).
        _services.Connections.Close();
        if (handoff is null)
        {
            _client.Close();
            _tls?.Dispose(); // its buffers go back to the pool
            return;
        }

        // The request at the front (and all after it) are Kestrel's: nothing of it has been consumed.
        _services.Metrics.RecordHandoff(handoff);
        if (_tls is null) _services.Handoff.Hand(_client.Detach(), _input.AsMemory(_inputStart, _inputEnd - _inputStart));
        else _services.Handoff.Hand(_tlsTransport!.Detach(), _tls, _input.AsMemory(_inputStart, _inputEnd - _inputStart));
    }

    /// <summary>The TLS handshake (bounded by --tls-handshake-timeout, in the heartbeat), then the requests; a
    /// connection that agreed on HTTP/2 by ALPN is Kestrel's from its first byte.</summary>
    private async Task<string?> ServeTlsAsync(SslStream tls)
    {
        _handshaking = true;
        WaitForClient(pending: true);
        await tls.AuthenticateAsServerAsync(_tlsOptions!, CancellationToken.None);
        // Its reads and writes completed on this loop, and so did it; should SslStream ever finish a handshake
        // elsewhere, the connection comes back to its loop before it touches the loop's sockets.
        if (!Loop.IsCurrentThread) await Loop.SwitchTo();
        _handshaking = false;
        _clientWaitSince = 0;
        if (tls.NegotiatedApplicationProtocol == SslApplicationProtocol.Http2) return Handoff.Http2;
        return await ServeRequestsAsync();
    }

    /// <summary>Serves requests until the connection ends (null) or one is left to Kestrel (why).</summary>
    private async Task<string?> ServeRequestsAsync()
    {
        while (true)
        {
            WaitForClient(pending: _inputEnd > _inputStart);
            var headLength = FindHead(Received);
            if (headLength == 0)
            {
                if (await ReceiveFromClientAsync() > 0) continue;
                return _inputEnd == _inputStart ? null : Handoff.Request; // a head cut short: Kestrel answers it
            }

            if (headLength < 0) return Handoff.Request;
            if (Decide(out var handoff) is not { } decision) return handoff;
            _inputStart += headLength;
            _clientWaitSince = 0;
            if (!await ReadBodyAsync() || !await ServeAsync(decision) || CloseAfterAnswer) return null;
        }
    }

    /// <summary>Receives more of the client's bytes after those buffered (moving them to the front first, or growing
    /// the buffer up to a head's limit); 0 when the client ended its stream.</summary>
    [AsyncMethodBuilder(typeof(SharedPoolValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReceiveFromClientAsync()
    {
        if (_inputStart == _inputEnd) _inputStart = _inputEnd = 0;
        if (_inputEnd == _input.Length)
        {
            if (_inputStart > 0)
            {
                Received.CopyTo(_input);
                (_inputStart, _inputEnd) = (0, _inputEnd - _inputStart);
            }
            else
            {
                Array.Resize(ref _input, _input.Length * 2);
            }
        }

        var received = _tls is null ? await _client.ReceiveAsync(_input.AsMemory(_inputEnd)) : await _tls.ReadAsync(_input.AsMemory(_inputEnd));
        _inputEnd += received;
        return received;
    }

    [AsyncMethodBuilder(typeof(SharedPoolValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReadBodyAsync()
    {
        var length = (int)_head.ContentLength;
        if (_body.Length < length) _body = new byte[Math.Max(length, Math.Min(_body.Length * 2, MaxBodySize))];
        var copied = 0;
        while (true)
        {
            var take = Math.Min(_inputEnd - _inputStart, length - copied);
            Received[..take].CopyTo(_body.AsSpan(copied));
            copied += take;
            _inputStart += take;
            if (copied == length) break;
            WaitForClient(pending: true);
            if (await ReceiveFromClientAsync() == 0) return false;
        }

        _clientWaitSince = 0;
        return true;
    }
}
