using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Net.Http.Headers;

namespace OrleansCoord.Proxy.Hosting;

/// <summary>
/// Kestrel's request header encoding selector, the one seam before Kestrel acts on a request's framing and connection
/// headers: Content-Length decoded by <see cref="StrictContentLength"/> (no sign, no hex), Connection by
/// <see cref="ConnectionHeaderEncoding"/> (the header names it gives stay visible); every other header keeps Kestrel's
/// default decoding (the selector returns null). It applies to every listener: the main port, connections the fast
/// path hands over, and the HTTPS and h2c ports.
/// </summary>
internal static class RequestHeaderDecoding
{
    public static void Apply(KestrelServerOptions kestrel) => kestrel.RequestHeaderEncodingSelector = Select;

    internal static Encoding? Select(string name) =>
        string.Equals(name, HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase) ? StrictContentLength.Instance
        : string.Equals(name, HeaderNames.Connection, StringComparison.OrdinalIgnoreCase) ? ConnectionHeaderEncoding.Instance
        : null;
}
