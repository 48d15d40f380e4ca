using Microsoft.Extensions.DependencyInjection;
using OrleansCoord.Watches;

namespace OrleansCoord.Client;

/// <summary>What an Orleans client needs so that a <see cref="CoordClient"/> over it can watch.</summary>
public static class ClientBuilderCoordExtensions
{
    /// <summary>Adds the watch streams and the connection events that trigger a watch resync.</summary>
    public static IClientBuilder AddCoordWatches(this IClientBuilder client)
    {
        var events = new GridConnectionEvents();
        client.AddMemoryStreams(WatchStreams.ProviderName);
        client.AddClusterConnectionStatusObserver(events);
        client.Services.AddSingleton(events);
        return client;
    }
}
