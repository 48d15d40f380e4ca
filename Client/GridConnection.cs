using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansCoord.Client.Tls;
using OrleansCoord.Errors;

namespace OrleansCoord.Client;

/// <summary>Starts an Orleans client host that talks to the grid's gateways.</summary>
internal static class GridConnection
{
    public static async Task<IHost> StartAsync(CoordClientOptions options, CancellationToken cancellationToken)
    {
        var gateways = new List<IPEndPoint>();
        foreach (var server in options.Servers)
        {
            gateways.Add(await ResolveAsync(server, cancellationToken));
        }

        var refusals = new GatewayRefusals(options.Tls is not null);
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)
                // "Orleans" is a prefix of our own categories too: theirs quiet, ours at Warning.
                .AddFilter("Orleans", LogLevel.Error).AddFilter("OrleansCoord", LogLevel.Warning))
            .UseOrleansClient(client =>
            {
                client.UseStaticClustering(gateways.ToArray());
                client.AddCoordWatches();
                client.Configure<ClusterOptions>(cluster =>
                {
                    cluster.ClusterId = options.ClusterId;
                    cluster.ServiceId = options.ServiceId;
                });
                // ClientMessagingOptions, not its abstract base: options bind by exact type, and Orleans reads only this one.
                client.Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = options.RequestTimeout);
                client.Configure<GatewayOptions>(gateway => gateway.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
                client.UseConnectionRetryFilter(refusals);
                if (options.Tls is { } tls) refusals.Watch(client, () => client.UseGridTls(tls));
            })
            .Build();

        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            host.Dispose();
            throw new CoordException(CoordErrorCode.ConnectionLoss, string.Join(',', options.Servers),
                refusals.Reason is { } refused ? $"refused: {refused}" : $"cannot reach the grid: {exception.Message}");
        }

        return host;
    }

    private static async Task<IPEndPoint> ResolveAsync(string server, CancellationToken cancellationToken)
    {
        var colon = server.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(server.AsSpan(colon + 1), out var port) || port is <= 0 or > 65535)
        {
            throw CoordException.BadArguments(null, $"server '{server}' is not host:port");
        }

        var host = server[..colon].Trim('[', ']');
        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw CoordException.BadArguments(null, $"server '{server}' does not resolve");
        return new IPEndPoint(chosen, port);
    }
}
