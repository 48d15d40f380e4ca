using Orleans.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansCoord.Grains.Watches;
using OrleansCoord.Watches;

namespace OrleansCoord.Grains.Hosting;

/// <summary>How watch events reach their watchers, as every silo of the grid has it (docs/adr/014-watch-delivery.md).</summary>
public static class SiloBuilderWatchStreamExtensions
{
    /// <summary>
    /// How long a gateway keeps a client whose connection closed before dropping it (Orleans' <c>ClientDropTimeout</c>,
    /// 1 min by default; the gateway checks once per this period, so a client goes 1-2 periods after its connection).
    /// Until then the gateway queues what is sent to the dead client; a watch shard's delivery to it waits meanwhile,
    /// which holds up only that client's own bounded queue (<see cref="CoordGridOptions.WatchQueueLimit"/>), and once it is dropped the
    /// delivery fails and the shard forgets it. (With Orleans streams, a dead subscriber held up every subscriber of a
    /// queue until this drop: docs/adr/006.) A client that reconnects later than this loses what was sent meanwhile
    /// and its shard registrations, which its watch resync renews.
    /// </summary>
    public static readonly TimeSpan DeadClientDropTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Watch event delivery: znode grains push their changes to the shard grains, which push them on to their
    /// subscribers (<see cref="WatchStreamKind.Memory"/>, no stream at all). Also the gateways' <see cref="DeadClientDropTimeout"/>.
    /// For <see cref="WatchStreamKind.AzureQueue"/>, Storage.AzureStorage's <c>AddAzureQueueWatchStreams</c> adds this
    /// and the queue streams (a stream provider named <see cref="WatchStreams.ProviderName"/>, which the grains use when
    /// it is there).
    /// </summary>
    public static ISiloBuilder AddCoordWatchStreams(this ISiloBuilder silo)
    {
        silo.Configure<SiloMessagingOptions>(messaging => messaging.ClientDropTimeout = DeadClientDropTimeout);
        silo.Services.TryAddSingleton<WatchDeliveryMarker>();
        return silo;
    }
}
