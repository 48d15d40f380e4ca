namespace OrleansCoord.Grains.Hosting;

/// <summary>What carries watch events from the znodes to the watch shards (docs/adr/014-watch-delivery.md).</summary>
public enum WatchStreamKind
{
    /// <summary>Grain calls, pushed (the name is historical: Orleans memory streams until ADR 014): fast; what is on its
    /// way through a silo that dies is lost and made up for by the clients' resync.</summary>
    Memory,

    /// <summary>Orleans Azure Queue streams to the shard grains (an implicit subscription; the shards push on to the
    /// watchers): events survive a silo's death in storage queues, at the price of a queue write per publish and a
    /// 50 ms poll.</summary>
    AzureQueue,
}
