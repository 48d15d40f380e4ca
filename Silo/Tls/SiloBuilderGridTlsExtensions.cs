using Orleans.Configuration;
using Orleans.Connections.Security;

namespace OrleansCoord.Silo.Tls;

/// <summary>
/// <c>--grid-tls</c>: the silo-to-silo and gateway connections over TLS, with Microsoft.Orleans.Connections.Security's
/// connection middleware and the <c>Tls</c> section's files (<see cref="SiloTlsMaterial"/>), checked by our own verifier
/// so that exactly <c>--tls-ca</c> counts (docs/adr/015).
/// </summary>
/// <remarks>
/// Not Orleans' <c>ISiloBuilder.UseTls</c>: it puts one set of options on all three connection kinds, so a client
/// certificate would be enough to be taken for a silo, and the gateway could not ask for client certificates
/// differently from the silo port. Here silos must show a silo's certificate (server and client authentication) both
/// ways, and the gateway asks clients for one (<c>--require-client-certificate</c>: needs one).
/// </remarks>
public static class SiloBuilderGridTlsExtensions
{
    /// <summary>Adds TLS to the silo's inbound and outbound silo connections and to its gateway's inbound connections.</summary>
    public static ISiloBuilder UseGridTls(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<SiloConnectionOptions>().Configure<SiloTlsMaterial>((connections, material) =>
        {
            // The validator refuses --grid-tls without --tls-ca, so there is always a verifier here.
            var verifier = material.Clients ?? throw new InvalidOperationException("--grid-tls needs --tls-ca");
            var peers = new TlsOptions
            {
                LocalCertificate = material.Certificate,
                RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
                ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
                // Replaces SslStream's own check (the machine's roots, the host name): silo addresses are IPs, and a
                // certificate counts when this grid's CA signed it for a silo, whatever name it carries.
                RemoteCertificateValidation = (certificate, chain, _) => verifier.IsTrustedSilo(certificate, chain),
            };
            var gateway = new TlsOptions
            {
                LocalCertificate = material.Certificate,
                RemoteCertificateMode = material.RequireClientCertificate ? RemoteCertificateMode.RequireCertificate : RemoteCertificateMode.AllowCertificate,
                RemoteCertificateValidation = (certificate, chain, _) => verifier.IsTrusted(certificate, chain),
            };
            connections.ConfigureSiloInboundConnection(connection => connection.UseServerTls(peers));
            connections.ConfigureSiloOutboundConnection(connection => connection.UseClientTls(peers));
            connections.ConfigureGatewayInboundConnection(connection => connection.UseServerTls(gateway));
        });
        return silo;
    }
}
