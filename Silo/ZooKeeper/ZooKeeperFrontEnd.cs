using Microsoft.AspNetCore.Connections;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using OrleansCoord.Silo.Hosting;
using OrleansCoord.Silo.Tls;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Silo.ZooKeeper.Sessions;
using OrleansCoord.Silo.ZooKeeper.Watches;

namespace OrleansCoord.Silo.ZooKeeper;

/// <summary>The ZooKeeper wire-protocol front end on its own port (docs/adr/009-zookeeper-protocol.md).</summary>
public static class ZooKeeperFrontEnd
{
    /// <summary>Listens for ZooKeeper clients on <c>Endpoints:ZooKeeperPort</c> (flag <c>--zk-port</c>) and, when given, on
    /// <c>Endpoints:ZooKeeperSecurePort</c> over TLS; 0 turns either off.</summary>
    /// <remarks>Loopback only, like the other ports, unless an advertised IP is set. <c>Endpoints:ZooKeeperSecurePort</c>
    /// (<c>--zk-secure-port</c>) adds the same protocol over TLS, as ZooKeeper's secureClientPort (docs/adr/015).</remarks>
    public static WebApplicationBuilder AddZooKeeperFrontEnd(this WebApplicationBuilder builder, SiloHostOptions options)
    {
        var (port, securePort) = (options.Endpoints.ZooKeeperPort, options.Endpoints.ZooKeeperSecurePort);
        if (port == 0 && securePort == 0) return builder;

        builder.Services.AddSingleton<ZkWatchHub>();
        builder.Services.AddSingleton<ZkSessionPasswords>();
        builder.Services.AddSingleton<ZkSessionBinder>();
        builder.Services.AddSingleton<ZkServerStats>();
        var dataDir = options.Storage.Profile switch
        {
            StorageProfile.Postgres => options.Storage.PostgresDir,
            StorageProfile.AzureStorage => options.Storage.AzuriteDir,
            _ => "memory",
        };
        builder.Services.AddSingleton(services => new FourLetterWords(
            services.GetRequiredService<ZkServerStats>(), services.GetRequiredService<IGrainFactory>(),
            services.GetRequiredService<OrleansCoord.Grains.Identities.CallerCredentials>(),
            services.GetRequiredService<OrleansCoord.Grains.Sessions.SessionCensus>(),
            new FourLetterWordWhitelist(options.Endpoints.FourLetterWordWhitelist), port, securePort, dataDir));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var address = options.Endpoints.AdvertisedIp is null ? IPAddress.Loopback : IPAddress.Any;
            if (port != 0) kestrel.Listen(address, port, listen => listen.UseConnectionHandler<ZkConnectionHandler>());
            if (securePort != 0)
            {
                // Loaded and checked at start (SiloHostConfiguration): a configured secure port always has its material.
                var tls = kestrel.ApplicationServices.GetRequiredService<SiloTlsMaterial>();
                kestrel.Listen(address, securePort, listen => listen.UseHttps(SecureListener(tls)).UseConnectionHandler<ZkConnectionHandler>());
            }
        });
        return builder;
    }

    /// <summary>
    /// Kestrel's TLS middleware in front of the ZooKeeper handler (it is not HTTP-specific): the silo's certificate,
    /// and, with <c>--tls-ca</c>, a client certificate asked for and accepted only if it chains to those CAs; one
    /// that does not, or none under <c>--require-client-certificate</c>, fails the handshake before a byte of the
    /// protocol is read.
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
