using Orleans.Configuration;
using OrleansCoord.Watches;

namespace OrleansCoord.Grains.Hosting;

/// <summary>The streams that carry watch events, as every silo of the grid has them.</summary>
public static class SiloBuilderWatchStreamExtensions
{
    /// <summary>
    /// How often each stream queue is polled for new events. Orleans' pulling agents drain a queue and then sleep
    /// until the next tick, so this bounds the set-to-notification latency (its default, 100 ms, made every
    /// notification take ~100 ms); each tick costs one call per queue.
    /// </summary>
    public static readonly TimeSpan DefaultPollPeriod = TimeSpan.FromMilliseconds(5);

    /// <summary>Memory streams for watch events (pub-sub state in the <c>PubSubStore</c> grain storage, which the caller adds).</summary>
    public static ISiloBuilder AddCoordWatchStreams(this ISiloBuilder silo, TimeSpan? pollPeriod = null)
    {
        var period = pollPeriod ?? DefaultPollPeriod;
        silo.AddMemoryStreams(WatchStreams.ProviderName, streams =>
            streams.ConfigurePullingAgent(agent => agent.Configure(options => options.GetQueueMsgsTimerPeriod = period)));
        return silo;
    }
}
