using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using OrleansCoord.ZooKeeper.Server.Sessions;
using OrleansCoord.ZooKeeper.Server.Watches;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>The ZooKeeper wire-protocol front end on its own port (docs/adr/009-zookeeper-protocol.md).</summary>
public static class ZooKeeperFrontEnd
{
    /// <summary>Listens for ZooKeeper clients on <see cref="ZooKeeperServerOptions.Port"/> and, when given, on
    /// <see cref="ZooKeeperServerOptions.SecurePort"/> over TLS; 0 turns either off, both 0 registers nothing.</summary>
    /// <remarks>Needs the grid's services in the container (a grain factory, <c>CallerCredentials</c>,
    /// <c>SessionCensus</c>): the host adds the silo first.</remarks>
    public static WebApplicationBuilder AddZooKeeperServer(this WebApplicationBuilder builder, ZooKeeperServerOptions options)
    {
        var (port, securePort) = (options.Port, options.SecurePort);
        if (port == 0 && securePort == 0) return builder;

        builder.Services.AddSingleton<ZkWatchHub>();
        builder.Services.AddSingleton<ZkSessionPasswords>();
        builder.Services.AddSingleton<ZkSessionBinder>();
        builder.Services.AddSingleton<ZkServerStats>();
        builder.Services.AddSingleton(services => new FourLetterWords(
            services.GetRequiredService<ZkServerStats>(), services.GetRequiredService<IGrainFactory>(),
            services.GetRequiredService<OrleansCoord.Grains.Identities.CallerCredentials>(),
            services.GetRequiredService<OrleansCoord.Grains.Sessions.SessionCensus>(),
            new FourLetterWordWhitelist(options.FourLetterWordWhitelist), port, securePort, options.DataDir));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (port != 0) kestrel.Listen(options.Address, port, listen => listen.UseConnectionHandler<ZkConnectionHandler>());
            if (securePort != 0)
            {
                var secure = options.SecureListener ?? throw new InvalidOperationException("a ZooKeeper secure port needs SecureListener");
                HttpsConnectionAdapterOptions https = secure(kestrel.ApplicationServices);
                kestrel.Listen(options.Address, securePort, listen => listen.UseHttps(https).UseConnectionHandler<ZkConnectionHandler>());
            }
        });
        return builder;
    }
}
