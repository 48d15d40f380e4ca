using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace OrleansCoord.Proxy.Forwarding;

/// <summary>
/// The request framing rules of RFC 9112 §6 that Kestrel leaves to the application, so that the Kestrel + YARP path
/// refuses what nginx refuses: a Transfer-Encoding other than one plain <c>chunked</c> (Kestrel takes
/// <c>chunked, chunked</c> and two header lines, decoding once), or one that comes with a Content-Length, is answered
/// 400 and its connection closed, since where its body ends is not known for sure (Kestrel would frame the latter by
/// Transfer-Encoding, hand the length on as X-Content-Length and close after the answer, as RFC 9112 §6.1 allows; nginx
/// answers 400, and so do we). Then the headers the client's Connection header names are removed (RFC 9110 §7.6.1),
/// which YARP would pass on (<see cref="Hosting.ConnectionHeaderEncoding"/> keeps their names in the value). First in
/// the pipeline. Kestrel itself refuses a Content-Length that is not plain digits (<see cref="Hosting.StrictContentLength"/>).
/// </summary>
internal static class StrictFramingMiddleware
{
    private const string KestrelsContentLength = "X-Content-Length";

    public static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Request.Headers;
        var encoding = headers.TransferEncoding;
        if (encoding.Count > 0 && (!IsOneChunked(encoding) || HadContentLength(headers)))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            if (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol))
            {
                context.Response.Headers.Connection = "close"; // Kestrel then closes the connection after the answer
            }

            return Task.CompletedTask;
        }

        var connection = headers.Connection;
        if (connection.Count > 0) RemoveNominated(headers, connection);
        return next(context);
    }

    // Kestrel frames a request with both by Transfer-Encoding and moves Content-Length's value to X-Content-Length; a chunked
    // request that sends an X-Content-Length of its own cannot be told from that and is refused too.
    private static bool HadContentLength(IHeaderDictionary headers) =>
        headers.ContentLength.HasValue || headers.ContainsKey(KestrelsContentLength);

    private static bool IsOneChunked(StringValues values) =>
        values.Count == 1 && values[0].AsSpan().Trim(" \t").Equals("chunked", StringComparison.OrdinalIgnoreCase);

    // Options such as close and keep-alive name no header; Upgrade is YARP's to carry over for an upgrade; the framing
    // and Host headers are the proxy's own to check and rewrite, so a client cannot make it drop them.
    private static void RemoveNominated(IHeaderDictionary headers, StringValues connection)
    {
        foreach (var value in connection)
        {
            foreach (var range in value.AsSpan().Split(','))
            {
                var token = value.AsSpan(range).Trim(" \t");
                if (token.IsEmpty || token.Equals("close", StringComparison.OrdinalIgnoreCase) || token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
                    || token.Equals(HeaderNames.Upgrade, StringComparison.OrdinalIgnoreCase) || token.Equals(HeaderNames.Host, StringComparison.OrdinalIgnoreCase)
                    || token.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase)
                    || token.Equals(HeaderNames.TransferEncoding, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                headers.Remove(token.ToString());
            }
        }
    }
}
