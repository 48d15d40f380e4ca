using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Runtime.CompilerServices;
using System.Text;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.FastPath.Loop;
using OrleansCoord.Proxy.FastPath.Tls;
using OrleansCoord.Proxy.Forwarding;
using OrleansCoord.Proxy.LoadBalancing;
using OrleansCoord.Proxy.Observability;
using Yarp.ReverseProxy.Model;

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

    /// <summary>The head's length; 0 while it is incomplete; -1 when it is not the fast path's (too large, not plain).</summary>
    private int FindHead(ReadOnlySpan<byte> span)
    {
        var end = span.IndexOf("\r\n\r\n"u8);
        // A head ended by bare LFs never shows CRLFCRLF: Kestrel answers it (not a wait until the headers timeout).
        if (end < 0) return span.Length >= MaxHeadSize || span.IndexOf("\n\n"u8) >= 0 || span.IndexOf("\n\r\n"u8) >= 0 ? -1 : 0;
        var limits = _services.Limits;
        // Kestrel answers these itself (414, 431).
        if (span.IndexOf("\r\n"u8) > limits.MaxRequestLineSize || end + 4 > limits.MaxRequestHeadersTotalSize) return -1;
        return end + 4 <= MaxHeadSize && _head.TryParse(span[..(end + 4)]) ? end + 4 : -1;
    }

    /// <summary>How the fast path serves the parsed request, or null when Kestrel and YARP must (and why).</summary>
    private Decision? Decide(out string handoff)
    {
        var options = _services.Options;
        handoff = Handoff.Body;
        if (_head.ContentLength > Math.Min(MaxBodySize, options.MaxRequestBodySize)) return null;
        handoff = Handoff.Route;
        var match = _services.Routes.Match(_head[_head.Path], _head[_head.Host], out var route);
        if (match == RouteMatch.Unsure) return null;
        if (match == RouteMatch.NotFound) return new Decision(null, null, null);
        handoff = Handoff.Cluster;
        if (route!.Cluster is not { } cluster || _services.Plans.Of(cluster) is not { } plan) return null;
        if (plan.HashKey is { Source: HashKeySource.Cookie } && !CookiesArePlain()) return null;
        return new Decision(route, cluster, plan);
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

    /// <summary>Answers one request, counts and logs it; false when the client connection must close.</summary>
    [AsyncMethodBuilder(typeof(SharedPoolValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ServeAsync(Decision decision)
    {
        var started = _services.Time.GetTimestamp();
        var answer = decision.Route is null ? WriteEmptyAnswer(404, null) : await ForwardAsync(decision.Route, decision.Cluster!, decision.Plan!);
        // Counted before the last flush: whoever has read the answer can see it in /metrics.
        _services.Metrics.Record(decision.Route?.Config.RouteId ?? "", answer.Destination?.DestinationId ?? "", answer.Status, _services.Time.GetElapsedTime(started));
        _services.Metrics.RecordFastPathRequest();
        if (_services.Options.AccessLog) WriteAccessLog(answer);
        return answer.KeepClient && await Output.FlushAsync();
    }

    /// <summary>Balancing, the exchange with the chosen instance, passive health and retries: RetryMiddleware, YARP's
    /// load balancing, passive health and forwarder, in that order, as on YARP's path.</summary>
    [AsyncMethodBuilder(typeof(SharedPoolValueTaskMethodBuilder<>))]
    private async ValueTask<Answer> ForwardAsync(RouteModel route, ClusterState cluster, ClusterPlan plan)
    {
        var candidates = cluster.DestinationsState.AvailableDestinations;
        var retryable = plan.Retries > 0 && RetryRules.IsIdempotent(Method) && _head.ContentLength <= _services.Options.RetryBodyLimit;
        for (var attempt = 0; ; attempt++)
        {
            var destination = candidates.Count == 0 ? null : plan.Policy.Pick(this, cluster, candidates);
            if (destination is null) return WriteEmptyAnswer(503, null);
            var target = _services.Plans.TargetOf(destination);
            Exchange exchange;
            if (target is null)
            {
                exchange = Exchange.Failed(timedOut: false);
            }
            else
            {
                // In flight for the balancing policies of both paths (LoadBalancing/InFlightRequests.cs).
                target.InFlight.Enter();
                try
                {
                    exchange = await ExchangeAsync(target, plan.Timeout);
                }
                finally
                {
                    target.InFlight.Leave();
                }
            }

            if (plan.PassiveHealth is { } health && (exchange.UpstreamFailed || exchange.Status is 502 or 503 or 504)) health.RecordFailure(cluster, destination);
            if (exchange.Status != 0) return new Answer(exchange.Status, destination, exchange.BodyBytes, exchange.KeepClient);
            if (retryable && attempt < plan.Retries)
            {
                var others = Without(candidates, destination);
                if (others.Count > 0)
                {
                    candidates = others;
                    continue;
                }
            }

            return WriteEmptyAnswer(exchange.TimedOut ? 504 : 502, destination);
        }
    }

    // Not a lambda in ForwardAsync: its captured variable would cost an allocation on every request, retried or not.
    private static List<DestinationState> Without(IReadOnlyList<DestinationState> candidates, DestinationState failed) =>
        candidates.Where(d => !ReferenceEquals(d, failed)).ToList();

    private string Method => MethodName(_head[_head.Method]);

    private static string MethodName(ReadOnlySpan<byte> method) => method switch
    {
        _ when method.SequenceEqual("GET"u8) => "GET",
        _ when method.SequenceEqual("HEAD"u8) => "HEAD",
        _ when method.SequenceEqual("POST"u8) => "POST",
        _ when method.SequenceEqual("PUT"u8) => "PUT",
        _ when method.SequenceEqual("DELETE"u8) => "DELETE",
        _ when method.SequenceEqual("OPTIONS"u8) => "OPTIONS",
        _ => Encoding.ASCII.GetString(method),
    };

    /// <summary>An answer without a body from the proxy itself (404, 502, 503, 504), as Kestrel writes one.</summary>
    private Answer WriteEmptyAnswer(int status, DestinationState? destination)
    {
        var output = Output;
        output.Write(status switch
        {
            404 => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nDate: "u8,
            502 => "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nDate: "u8,
            503 => "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nDate: "u8,
            _ => "HTTP/1.1 504 Gateway Timeout\r\nContent-Length: 0\r\nDate: "u8,
        });
        output.Write(HttpDate.Now());
        output.Write(CloseAfterAnswer ? "\r\nConnection: close\r\n\r\n"u8 : "\r\n\r\n"u8);
        return new Answer(status, destination, 0, KeepClient: true);
    }

    private void WriteAccessLog(Answer answer) =>
        _services.AccessLog.Write(RemoteAddress, Method, Encoding.ASCII.GetString(_head[_head.Target]), "HTTP/1.1", answer.Status, answer.BodyBytes,
            AccessLog.Quote(_head.HeaderValue("Referer")), AccessLog.Quote(_head.HeaderValue("User-Agent")), _services.Time.GetUtcNow());

    private string? RemoteAddress => _remoteAddress ??= _remote?.Address.ToString();

    /// <summary>The reasons of coord_proxy_fast_path_handoffs_total.</summary>
    private static class Handoff
    {
        /// <summary>The head is not plain HTTP/1.1 (upgrade, Expect, chunked body, HTTP/1.0, encoded path, malformed, ...).</summary>
        public const string Request = "request";

        /// <summary>The body is larger than the fast path buffers (or than the limit: Kestrel answers 413).</summary>
        public const string Body = "body";

        /// <summary>The routes hold something the route table does not model, or routing would be ambiguous.</summary>
        public const string Route = "route";

        /// <summary>The cluster asks for what the fast path does not do (a policy not ours, an instance not http://, a
        /// cookie key ASP.NET would decode).</summary>
        public const string Cluster = "cluster";

        /// <summary>The client agreed on HTTP/2 in the TLS handshake (ALPN), which Kestrel serves.</summary>
        public const string Http2 = "h2";
    }

    /// <summary>Why and how the fast path serves a request; a null route: no route matched (404).</summary>
    private readonly record struct Decision(RouteModel? Route, ClusterState? Cluster, ClusterPlan? Plan);

    /// <summary>What the client got: status, the instance that answered last, body bytes, and whether the connection goes on.</summary>
    private readonly record struct Answer(int Status, DestinationState? Destination, long BodyBytes, bool KeepClient);
}
