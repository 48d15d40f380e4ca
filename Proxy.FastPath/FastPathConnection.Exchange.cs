using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>The exchange with one upstream instance, and the timeouts the heartbeat enforces.</summary>
internal sealed partial class FastPathConnection
{
    // Read by the heartbeat (the loop's, once a second, on the same thread).
    private long _clientWaitSince;
    private bool _clientBytesPending;
    private long _upstreamWaitSince;
    private long _upstreamTimeoutMs;
    private UpstreamConnection? _upstream;
    private bool _timedOut;
    private bool _draining;
    private bool _handshaking;

    /// <summary>Sends the request to <paramref name="target"/> and relays its answer. A pooled connection that fails
    /// before any answer byte (the upstream closed it while idle) is replaced by a fresh one once, as
    /// SocketsHttpHandler does; that is no failure of the instance. A host name's addresses are tried in turn until one
    /// connects (SocketsHttpHandler again).</summary>
    [AsyncMethodBuilder(typeof(SharedPoolValueTaskMethodBuilder<>))]
    private async ValueTask<Exchange> ExchangeAsync(UpstreamTarget target, TimeSpan timeout)
    {
        BuildRequest(target);
        var upstream = target.Pool.TakeIdle(Loop);
        var headRequest = _head[_head.Method].SequenceEqual("HEAD"u8);
        _upstreamTimeoutMs = (long)timeout.TotalMilliseconds;
        _timedOut = false;
        ResponseHead head;
        var attempt = 0;
        while (true)
        {
            _upstreamWaitSince = Environment.TickCount64;
            var receivedBefore = upstream?.Received ?? 0;
            var connected = upstream is not null; // a pooled connection
            try
            {
                upstream ??= await target.Pool.ConnectAsync(Loop, attempt);
                _upstream = upstream; // before the connect completes: the heartbeat may have to cut it off
                await upstream.ConnectedAsync(); // at once for a pooled connection
                connected = true;
                await upstream.SendAsync(_outgoing.AsMemory(0, _outgoingLength));
                head = await ResponseRelay.ReadHeadAsync(upstream, headRequest);
                break;
            }
            catch (Exception exception) when (exception is not ClientGoneException)
            {
                var stale = upstream is { Reused: true } && upstream.Received == receivedBefore && !_timedOut;
                var nextAddress = !connected && !_timedOut && target.Pool.HasAddress(++attempt);
                EndUpstream(upstream, reusable: false);
                upstream = null;
                if (!stale && !nextAddress) return Exchange.Failed(_timedOut);
            }
        }

        ResponseRelay.WriteHead(upstream, head, Output, CloseAfterAnswer);
        var bodyBytes = head.Framing == BodyFraming.ContentLength ? head.ContentLength : 0;
        try
        {
            EndUpstream(upstream, await ResponseRelay.CopyBodyAsync(upstream, head, Output));
            return new Exchange(head.Status, bodyBytes, KeepClient: true, UpstreamFailed: false, TimedOut: false);
        }
        catch (ClientGoneException)
        {
            EndUpstream(upstream, reusable: false);
            return new Exchange(head.Status, bodyBytes, KeepClient: false, UpstreamFailed: false, TimedOut: false);
        }
        catch (Exception)
        {
            // The answer broke off after it started: the client's connection is closed (it cannot tell a short body
            // otherwise), and the instance failed (YARP's ResponseBodyDestination).
            EndUpstream(upstream, reusable: false);
            return new Exchange(head.Status, bodyBytes, KeepClient: false, UpstreamFailed: true, TimedOut: _timedOut);
        }
    }

    private void EndUpstream(UpstreamConnection? upstream, bool reusable)
    {
        _upstreamWaitSince = 0;
        _upstream = null;
        if (upstream is null) return;
        if (reusable)
        {
            upstream.Reused = true;
            upstream.Pool.Return(upstream);
        }
        else
        {
            upstream.Dispose();
        }
    }

    /// <summary>
    /// The request as YARP sends it: same method and target (after the instance's path prefix), <c>Host</c> the
    /// instance's authority, the client's headers without hop-by-hop ones, X-Forwarded-For/-Proto/-Host set (any
    /// the client sent replaced, Forwarded and X-Forwarded-Prefix dropped), then the body.
    /// </summary>
    private void BuildRequest(UpstreamTarget target)
    {
        var forwardedFor = ForwardedFor;
        var host = _head[_head.Host];
        var size = _head.Length + target.PathPrefix.Length + target.Authority.Length + forwardedFor.Length + host.Length + 96 + (int)_head.ContentLength;
        if (_outgoing.Length < size) _outgoing = new byte[Math.Max(size, _outgoing.Length * 2)];
        _outgoingLength = 0;
        Append(_head[_head.Method]);
        Append(" "u8);
        Append(target.PathPrefix);
        Append(_head[_head.Target]);
        Append(" HTTP/1.1\r\nHost: "u8);
        Append(target.Authority);
        Append("\r\n"u8);
        foreach (var header in _head.Headers)
        {
            if (header.Kind is not (HeaderKind.Forward or HeaderKind.ContentLength)) continue;
            Append(_head[header.Name]);
            Append(": "u8);
            Append(_head[header.Value]);
            Append("\r\n"u8);
        }

        if (forwardedFor.Length > 0)
        {
            Append("X-Forwarded-For: "u8);
            Append(forwardedFor);
            Append("\r\n"u8);
        }

        Append(Secure ? "X-Forwarded-Proto: https\r\nX-Forwarded-Host: "u8 : "X-Forwarded-Proto: http\r\nX-Forwarded-Host: "u8);
        Append(host);
        Append("\r\n\r\n"u8);
        Append(_body.AsSpan(0, (int)_head.ContentLength));
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_outgoing.AsSpan(_outgoingLength));
        _outgoingLength += bytes.Length;
    }

    // YARP writes the client's address, IPv4-mapped IPv6 addresses as IPv4.
    private byte[] ForwardedFor => _forwardedFor ??= _remote is { Address: var address }
        ? Encoding.ASCII.GetBytes((address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString())
        : [];

    /// <summary>The client is waited for: between requests (<paramref name="pending"/> false: the keep-alive timeout runs
    /// from now) or in a head or body (true: the headers timeout runs from its first byte, as Kestrel's and nginx's
    /// client_header_timeout, not from the start of the idle time before it).</summary>
    private void WaitForClient(bool pending)
    {
        if (_clientWaitSince == 0 || pending != _clientBytesPending) _clientWaitSince = Environment.TickCount64;
        _clientBytesPending = pending;
    }

    /// <summary>The answer says <c>Connection: close</c> and the connection ends after it: the client asked, or the proxy is stopping.</summary>
    private bool CloseAfterAnswer => _head.Close || _draining;

    /// <summary>
    /// The loop's heartbeat: an upstream silent for longer than the cluster's timeout is cut off (504, or a broken
    /// answer); a client that sends no request within Kestrel's keep-alive timeout, or takes longer than its request
    /// headers timeout over a head or body, is disconnected, as Kestrel would; so is one that takes no byte of its
    /// answer for <c>--send-timeout</c> (nginx's send_timeout).
    /// </summary>
    public void OnHeartbeat(long now)
    {
        var upstreamSince = _upstreamWaitSince;
        if (upstreamSince != 0)
        {
            var upstream = _upstream;
            var lastActivity = Math.Max(upstreamSince, upstream?.LastReceive ?? 0);
            if (now - lastActivity > _upstreamTimeoutMs)
            {
                _timedOut = true;
                upstream?.Dispose();
            }
        }

        var clientSince = _clientWaitSince;
        var limits = _services.Limits;
        var limit = _handshaking ? _services.Options.TlsHandshakeTimeout : _clientBytesPending ? limits.RequestHeadersTimeout : limits.KeepAliveTimeout;
        if (clientSince != 0 && now - clientSince > (long)limit.TotalMilliseconds) _client.Close();
        var stalledSince = _client.SendStalledSince;
        if (stalledSince != 0 && now - stalledSince > (long)_services.Options.SendTimeout.TotalMilliseconds) _client.Close();
    }

    /// <summary>The proxy is stopping: a connection waiting for its next request closes now, others after their answer.</summary>
    public void Drain()
    {
        _draining = true;
        if (_clientWaitSince != 0 && !_clientBytesPending && _upstreamWaitSince == 0) _client.Close();
    }

    /// <summary>The proxy stops now: whatever is in flight is cut off.</summary>
    public void Abort()
    {
        _upstream?.Dispose();
        _client.Close();
    }

    /// <summary>How one attempt ended: Status 0 means no answer came (a transport failure or timeout).</summary>
    private readonly record struct Exchange(int Status, long BodyBytes, bool KeepClient, bool UpstreamFailed, bool TimedOut)
    {
        public static Exchange Failed(bool timedOut) => new(0, 0, KeepClient: true, UpstreamFailed: true, TimedOut: timedOut);
    }
}
