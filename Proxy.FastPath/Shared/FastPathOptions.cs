using System.Security.Cryptography.X509Certificates;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>The proxy's settings the fast path reads, given by the host (Proxy/Hosting/FastPathHosting.cs maps them
/// from the proxy's options); each means what the proxy's flag of the same name means.</summary>
internal sealed class FastPathOptions
{
    public required string ListenAddress { get; init; }

    public required int Port { get; init; }

    /// <summary>The HTTPS port (<c>--https-port</c>; 0: none), served by the fast path too, TLS ended on its loops.</summary>
    public int HttpsPort { get; init; }

    /// <summary>The HTTPS port's certificate (Proxy/Hosting/ProxyCertificate.cs); given whenever <see cref="HttpsPort"/> is.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Event loops (<c>--loops</c>).</summary>
    public required int LoopCount { get; init; }

    public required TimeSpan SendTimeout { get; init; }

    /// <summary>Longest a client may take over its TLS handshake on the HTTPS port (<c>--tls-handshake-timeout</c>).</summary>
    public TimeSpan TlsHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public required bool UnderscoresInHeaders { get; init; }

    public required long MaxRequestBodySize { get; init; }

    public required long RetryBodyLimit { get; init; }

    /// <summary>Whether requests are written to the access log.</summary>
    public required bool AccessLog { get; init; }
}
