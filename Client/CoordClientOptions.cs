using OrleansCoord.Client.Tls;

namespace OrleansCoord.Client;

/// <summary>How a <see cref="CoordClient"/> reaches the grid and what session it asks for.</summary>
public sealed class CoordClientOptions
{
    /// <summary>Gateways as <c>host:port</c>; the client fails over between them.</summary>
    /// <value>localhost:30000</value>
    public IList<string> Servers { get; set; } = ["localhost:30000"];

    /// <summary>The session timeout to ask for; the grid negotiates it into 2–60 s.</summary>
    /// <value>10 seconds.</value>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <value>orleanscoord</value>
    public string ClusterId { get; set; } = "orleanscoord";

    /// <value>orleanscoord</value>
    public string ServiceId { get; set; } = "orleanscoord";

    /// <summary>How long one request may take before it fails with OperationTimeout.</summary>
    /// <value>30 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the watched znodes are read back to catch a change whose event was lost, as a safety net next to
    /// the resyncs after a reconnection or a lost gateway. Zero turns the periodic check off.
    /// </summary>
    /// <value>30 seconds.</value>
    public TimeSpan WatchCheckPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>TLS to the gateways, for a grid whose silos run with <c>--grid-tls</c>; <see cref="CoordTlsOptions.FromFiles"/>
    /// reads the usual files.</summary>
    /// <value>null: plain TCP (a TLS gateway refuses it).</value>
    public CoordTlsOptions? Tls { get; set; }

    /// <summary>
    /// A client certificate, with its private key, whose subject becomes the session's <c>x509:SUBJECT</c> identity
    /// (as on the ZooKeeper secure port): at connect the client proves to the grid that it holds the key, and the grid
    /// checks the certificate against its <c>--tls-ca</c> (docs/adr/017). Works with and without grid TLS;
    /// <see cref="CoordTlsOptions.CertificateFromFiles"/> reads the usual files.
    /// </summary>
    /// <value>null: the certificate of <see cref="Tls"/>, if it has one; a client with neither gets no <c>x509:</c> identity.</value>
    /// <remarks>A certificate the grid does not take (another CA's, expired, not meant for client authentication, or a
    /// grid without <c>--tls-ca</c>) fails the connect with AuthFailed.</remarks>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; set; }

    /// <summary>The certificate the session proves: <see cref="Certificate"/>, else the one TLS shows.</summary>
    internal System.Security.Cryptography.X509Certificates.X509Certificate2? IdentityCertificate => Certificate ?? Tls?.Certificate;

    /// <summary>Parses <c>host:port[,host:port...]</c>.</summary>
    public static IList<string> ParseServers(string servers) =>
        servers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
