namespace OrleansCoord.ZooKeeper.Server;

/// <summary>What a host needs to export the ZooKeeper port's meter (<see cref="ZkRequestMeter"/>) and to bucket its
/// own latencies alike.</summary>
public static class ZooKeeperServerMetrics
{
    /// <summary>The meter's name, to give OpenTelemetry.</summary>
    public const string MeterName = ZkRequestMeter.MeterName;

    /// <summary>Bucket bounds for request latencies in seconds: 50 µs to 10 s.</summary>
    public static IReadOnlyList<double> LatencyBuckets => ZkRequestMeter.LatencyBuckets;
}
