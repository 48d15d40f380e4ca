namespace OrleansCoord.Grains.Hosting;

/// <summary>What carries watch events between silos and to clients (docs/adr/006-watch-streams.md).</summary>
public enum WatchStreamKind
{
    /// <summary>Orleans memory streams: fast; what is queued on a silo that dies is lost and made up for by the clients' resync.</summary>
    Memory,

    /// <summary>Orleans Azure Queue streams: events survive a silo's death in storage queues, at the price of a queue
    /// write per publish and a slower poll.</summary>
    AzureQueue,
}
