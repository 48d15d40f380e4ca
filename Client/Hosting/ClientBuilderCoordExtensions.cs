using Microsoft.Extensions.DependencyInjection;

namespace OrleansCoord.Client;

/// <summary>What an Orleans client needs so that a <see cref="CoordClient"/> over it can watch.</summary>
public static class ClientBuilderCoordExtensions
{
    /// <summary>Adds the connection events that trigger a watch resync (events arrive through a grain observer, docs/adr/014).</summary>
    public static IClientBuilder AddCoordWatches(this IClientBuilder client)
    {
        var events = new GridConnectionEvents();
        client.AddClusterConnectionStatusObserver(events);
        client.Services.AddSingleton(events);
        return client;
    }
}
