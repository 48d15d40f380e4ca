using Orleans.Connections.Security;

namespace OrleansCoord.Client.Tls;

/// <summary>TLS on the client's gateway connections (Microsoft.Orleans.Connections.Security), checked against <see cref="CoordTlsOptions.Authorities"/>.</summary>
internal static class ClientBuilderGridTlsExtensions
{
    public static IClientBuilder UseGridTls(this IClientBuilder client, CoordTlsOptions tls) =>
        client.UseTls(options =>
        {
            options.LocalCertificate = tls.Certificate;
            options.ClientCertificateMode = tls.Certificate is null ? RemoteCertificateMode.NoCertificate : RemoteCertificateMode.RequireCertificate;
            options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            // Replaces SslStream's own check (the machine's roots and the host name): see CoordTlsOptions.
            options.RemoteCertificateValidation = (certificate, chain, _) => tls.IsGatewayTrusted(certificate, chain);
        });
}
