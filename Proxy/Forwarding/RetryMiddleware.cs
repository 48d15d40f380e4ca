using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using OrleansCoord.Proxy.Hosting;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.Forwarding;

/// <summary>
/// nginx's <c>proxy_next_upstream error timeout</c>: when an instance cannot be reached (connect failure, reset before
/// any answer, timeout) and nothing has been sent to the client yet, an idempotent request is sent to another
/// available instance, up to the cluster's <c>retries</c>. A request body is kept in memory for that when its
/// Content-Length is within <see cref="ProxyOptions.RetryBodyLimit"/> (<see cref="RetryBody"/>); a larger or chunked
/// body is not retried. Runs before load balancing, which then picks among the instances not yet tried.
/// </summary>
internal static class RetryMiddleware
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var proxy = context.Features.Get<IReverseProxyFeature>()!;
        var candidates = proxy.AvailableDestinations;
        var retries = RetryRules.RetriesOf(proxy.Cluster.Config);
        var retryable = retries > 0 && RetryRules.IsIdempotent(context.Request.Method);
        RetryBody? body = null;
        if (retryable && HasBody(context.Request))
        {
            try
            {
                body = await RetryBody.ReadAsync(context.Request, context.RequestServices.GetRequiredService<ProxyOptions>().RetryBodyLimit);
            }
            catch (BadHttpRequestException exception)
            {
                context.Response.StatusCode = exception.StatusCode; // too large (413) or cut short (400)
                return;
            }

            retryable = body is not null;
        }

        for (var attempt = 0; ; attempt++)
        {
            await next(context);
            if (!retryable || attempt >= retries || !ShouldRetry(context, body is not null) || proxy.ProxiedDestination is not { } failed) return;

            candidates = candidates.Where(d => !ReferenceEquals(d, failed)).ToList();
            if (candidates.Count == 0) return;

            // Forget the failed attempt: its 502 and error must not reach the client or the next attempt.
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.Clear();
            proxy.AvailableDestinations = candidates;
            proxy.ProxiedDestination = null;
            body?.Rewind(context.Request);
        }
    }

    // Content-Length > 0, or a body of unknown length (chunked; an HTTP/2 stream that did not end with its headers).
    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0
        || (request.ContentLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);

    private static bool ShouldRetry(HttpContext context, bool bodyKept) =>
        !context.Response.HasStarted
        && context.Features.Get<IForwarderErrorFeature>()?.Error is { } error
        && (error is ForwarderError.Request or ForwarderError.RequestTimedOut || (bodyKept && error == ForwarderError.RequestBodyDestination));
}
