using System.Diagnostics.Metrics;

namespace OrleansCoord.Grains.Watches;

/// <summary>
/// The watch shards' deliveries (meter <c>OrleansCoord.Grid.Watches</c>, exported by the silo's <c>/metrics</c>): events
/// sent to the processes subscribed to a shard (a silo's ZooKeeper server, an SDK client's watch hub), events dropped
/// because a subscriber's bounded queue overflowed, and the resyncs that tells it to make (docs/adr/014-watch-delivery.md).
/// Counted on the silo hosting the shard grain.
/// </summary>
internal static class WatchMeter
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "OrleansCoord.Grid.Watches";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Sent = Meter.CreateCounter<long>("coord_watch_events_sent", description: "Watch events sent by the watch shards to their subscribers (one per event and subscriber)");
    private static readonly Counter<long> Dropped = Meter.CreateCounter<long>("coord_watch_events_dropped",
        description: "Watch events dropped because a subscriber's queue overflowed (it resyncs by revision: coalesced, not lost)");
    private static readonly Counter<long> Resyncs = Meter.CreateCounter<long>("coord_watch_resyncs", description: "Batches that told a subscriber to resync because events were dropped for it");

    public static void RecordSent(int events) => Sent.Add(events);

    public static void RecordDropped(int events) => Dropped.Add(events);

    public static void RecordResync() => Resyncs.Add(1);
}
