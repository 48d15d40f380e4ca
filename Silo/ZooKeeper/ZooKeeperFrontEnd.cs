using Microsoft.AspNetCore.Connections;
using System.Net;
using OrleansCoord.Silo.Hosting;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Silo.ZooKeeper.Sessions;
using OrleansCoord.Silo.ZooKeeper.Watches;

namespace OrleansCoord.Silo.ZooKeeper;

/// <summary>The ZooKeeper wire-protocol front end on its own port (docs/adr/009-zookeeper-protocol.md).</summary>
public static class ZooKeeperFrontEnd
{
    /// <summary>Listens for ZooKeeper clients on <c>Endpoints:ZooKeeperPort</c> (flag <c>--zk-port</c>); 0 turns it off.</summary>
    /// <remarks>Loopback only, like the other ports, unless an advertised IP is set.</remarks>
    public static WebApplicationBuilder AddZooKeeperFrontEnd(this WebApplicationBuilder builder, SiloHostOptions options)
    {
        var port = options.Endpoints.ZooKeeperPort;
        if (port == 0) return builder;

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
            new FourLetterWordWhitelist(options.Endpoints.FourLetterWordWhitelist), port, dataDir));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var address = options.Endpoints.AdvertisedIp is null ? IPAddress.Loopback : IPAddress.Any;
            kestrel.Listen(address, port, listen => listen.UseConnectionHandler<ZkConnectionHandler>());
        });
        return builder;
    }
}
