using Microsoft.AspNetCore.Http;

namespace OrleansCoord.Proxy.Forwarding;

/// <summary>
/// The body of an idempotent request read into memory before the first attempt, so that a retry can send the same
/// bytes to another instance (the client's stream can be read only once). Only bodies with a Content-Length up to
/// the bound are kept; larger ones and bodies of unknown length (chunked) stream through and are not retried.
/// </summary>
internal sealed class RetryBody(byte[] data)
{
    /// <summary>Reads the body when it fits in <paramref name="limit"/> bytes; null when it does not (nothing read then).</summary>
    /// <exception cref="BadHttpRequestException">The client sent less than it announced, or more than the body size limit.</exception>
    public static async Task<RetryBody?> ReadAsync(HttpRequest request, long limit)
    {
        if (request.ContentLength is not { } length || length > limit) return null;
        var data = new byte[length];
        await request.Body.ReadExactlyAsync(data, request.HttpContext.RequestAborted);
        var body = new RetryBody(data);
        body.Rewind(request);
        return body;
    }

    /// <summary>Gives the next attempt the whole body from its first byte.</summary>
    public void Rewind(HttpRequest request) => request.Body = new MemoryStream(data, writable: false);
}
