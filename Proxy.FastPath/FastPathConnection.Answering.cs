using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using OrleansCoord.Proxy.Forwarding;
using OrleansCoord.Proxy.Observability;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>Answering a request the fast path serves: forwarding it with balancing and retries, or the proxy's own
/// empty answer; then its metrics and access log line.</summary>
internal sealed partial class FastPathConnection
{
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

    /// <summary>What the client got: status, the instance that answered last, body bytes, and whether the connection goes on.</summary>
    private readonly record struct Answer(int Status, DestinationState? Destination, long BodyBytes, bool KeepClient);
}
