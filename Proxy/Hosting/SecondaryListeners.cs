using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OrleansCoord.Proxy.FastPath.Handoff;

namespace OrleansCoord.Proxy.Hosting;

/// <summary>
/// The proxied ports besides the cleartext HTTP/1.1 one: HTTPS with ALPN offering h2 and http/1.1
/// (<c>--https-port</c>; with the fast path on, its loops end TLS and serve the port, Kestrel what they hand over), and cleartext HTTP/2 with prior knowledge, h2c (<c>--h2c-port</c>). Both are off unless given.
/// </summary>
internal static class SecondaryListeners
{
    public static void ListenSecondary(this KestrelServerOptions kestrel, IPAddress address, ProxyOptions options, X509Certificate2? certificate)
    {
        if (options.HttpsPort != 0 && options.FastPathServes())
        {
            // The fast path listens, ends TLS on its loops and serves what it can; Kestrel gets the rest decrypted, in
            // the same TLS session, with the TLS features its HTTPS middleware would set (ALPN h2 included).
            kestrel.Listen(new HandoffEndPoint(new IPEndPoint(address, options.HttpsPort), decrypted: true), listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.CountClientConnections(admitted: true);
            });
        }
        else if (options.HttpsPort != 0)
        {
            kestrel.Listen(address, options.HttpsPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.CountClientConnections(); // before TLS: a connection counts from its arrival, handshake included
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = certificate!;
                    https.HandshakeTimeout = options.TlsHandshakeTimeout;
                });
            });
        }

        // Without TLS there is no ALPN to agree on a protocol: this port speaks HTTP/2 only (prior knowledge).
        if (options.H2cPort != 0)
        {
            kestrel.Listen(address, options.H2cPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.CountClientConnections();
            });
        }
    }

    /// <summary>For the start-up line: ", https 8443 (certificate), h2c 8002", or nothing when both are off.</summary>
    public static string Describe(ProxyOptions options, string? certificate) =>
        (options.HttpsPort != 0 ? $", https {options.HttpsPort}{(certificate is null ? "" : $" with {certificate}")}" : "")
        + (options.H2cPort != 0 ? $", h2c {options.H2cPort}" : "");
}
