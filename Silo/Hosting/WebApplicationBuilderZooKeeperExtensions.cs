using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Silo.Tls;
using OrleansCoord.ZooKeeper.Server;

namespace OrleansCoord.Silo.Hosting;

/// <summary>The silo's ZooKeeper port: the server of ZooKeeper.Server/, given the silo's options and TLS material.</summary>
public static class WebApplicationBuilderZooKeeperExtensions
{
    /// <summary>Listens for ZooKeeper clients on <c>Endpoints:ZooKeeperPort</c> (flag <c>--zk-port</c>) and, when given, on
    /// <c>Endpoints:ZooKeeperSecurePort</c> over TLS; 0 turns either off.</summary>
    /// <remarks>Loopback only, like the other ports, unless an advertised IP is set. <c>Endpoints:ZooKeeperSecurePort</c>
    /// (<c>--zk-secure-port</c>) adds the same protocol over TLS, as ZooKeeper's secureClientPort (docs/adr/015).</remarks>
    public static WebApplicationBuilder AddZooKeeperFrontEnd(this WebApplicationBuilder builder, SiloHostOptions options) =>
        builder.AddZooKeeperServer(new ZooKeeperServerOptions
        {
            Port = options.Endpoints.ZooKeeperPort,
            SecurePort = options.Endpoints.ZooKeeperSecurePort,
            Address = options.Endpoints.AdvertisedIp is null ? IPAddress.Loopback : IPAddress.Any,
            FourLetterWordWhitelist = options.Endpoints.FourLetterWordWhitelist,
            DataDir = options.Storage.Profile switch
            {
                StorageProfile.Postgres => options.Storage.PostgresDir,
                StorageProfile.AzureStorage => options.Storage.AzuriteDir,
                _ => "memory",
            },
            // Loaded and checked at start (SiloHostConfiguration): a configured secure port always has its material.
            SecureListener = services => SecureListener(services.GetRequiredService<SiloTlsMaterial>()),
        });

    /// <summary>
    /// Kestrel's TLS middleware in front of the ZooKeeper handler: the silo's certificate, and, with <c>--tls-ca</c>, a
    /// client certificate asked for and accepted only if it chains to those CAs; one that does not, or none under
    /// <c>--require-client-certificate</c>, fails the handshake before a byte of the protocol is read.
    /// </summary>
    private static HttpsConnectionAdapterOptions SecureListener(SiloTlsMaterial tls)
    {
        var https = new HttpsConnectionAdapterOptions
        {
            ServerCertificate = tls.Certificate,
            ServerCertificateChain = tls.Chain,
            ClientCertificateMode = tls.Clients is null ? ClientCertificateMode.NoCertificate
                : tls.RequireClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.AllowCertificate,
        };
        if (tls.Clients is { } clients) https.ClientCertificateValidation = (certificate, chain, _) => clients.IsTrusted(certificate, chain);
        return https;
    }
}
