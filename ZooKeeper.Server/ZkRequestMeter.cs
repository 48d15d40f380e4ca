using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using OrleansCoord.Errors;
using OrleansCoord.ZooKeeper.Server.Protocol;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>
/// The ZooKeeper port's meter (<c>OrleansCoord.ZooKeeper</c>, exported by the silo's <c>/metrics</c>): requests by
/// operation and outcome (the ZooKeeper error code the reply carried) with their latency, from the read that brought
/// the request to the moment its reply is handed to the transport (measured where <see cref="ZkServerStats"/> takes
/// mntr's latency, in the connection's writer); watch events written to clients; connections closed because their watch events piled up or
/// were lost. The gauges (connections, outstanding requests, watches, packets) read <see cref="ZkServerStats"/>, the
/// source mntr reads, so the two never disagree by counting twice.
/// </summary>
/// <remarks>
/// No allocation per request: the tags are constant strings (operation names by opcode, outcomes by error code, made
/// once) in a <see cref="System.Diagnostics.TagList"/> on the stack.
/// </remarks>
internal static class ZkRequestMeter
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "OrleansCoord.ZooKeeper";

    /// <summary>The front end label of everything this meter counts.</summary>
    public const string FrontEnd = "zookeeper";

    /// <summary>Bucket bounds for request latencies in seconds: 50 µs to 10 s (OpenTelemetry's defaults suit milliseconds).</summary>
    internal static readonly double[] LatencyBuckets =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("coord_requests", description: "Requests by front end, operation and outcome");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram("coord_request_duration", unit: "s",
        description: "Latency of requests by front end and operation, from request read to reply written",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
    private static readonly Counter<long> EventsDelivered = Meter.CreateCounter<long>("coord_watch_events_delivered", description: "Watch events written to clients, by front end");
    private static readonly Counter<long> Disconnects = Meter.CreateCounter<long>("coord_zookeeper_watch_disconnects",
        description: "ZooKeeper connections closed because their watch events piled up past the queue's bound or were lost upstream (the client resyncs on reconnecting)");

    private static readonly FrozenDictionary<CoordErrorCode, string> Outcomes =
        Enum.GetValues<CoordErrorCode>().ToFrozenDictionary(code => code, code => code == CoordErrorCode.Ok ? "ok" : code.ToString());

    private static ZkServerStats? _stats;

    /// <summary>The figures the gauges read: this silo's endpoint (one per silo process).</summary>
    public static void Observe(ZkServerStats stats)
    {
        if (Interlocked.Exchange(ref _stats, stats) is not null) return;
        Meter.CreateObservableGauge("coord_zookeeper_connections", () => (long)(_stats?.Connections.Count ?? 0), description: "Open ZooKeeper connections (mntr zk_num_alive_connections)");
        Meter.CreateObservableGauge("coord_zookeeper_outstanding_requests", () => _stats?.Outstanding ?? 0, description: "Requests read and not answered yet (mntr zk_outstanding_requests)");
        Meter.CreateObservableGauge("coord_zookeeper_watches", () => _stats?.WatchCount ?? 0, description: "Watches held by ZooKeeper connections (mntr zk_watch_count)");
        Meter.CreateObservableCounter("coord_zookeeper_packets_received", () => _stats?.ReceivedTotal ?? 0, description: "Packets received since the silo started (mntr zk_packets_received counts since srst)");
        Meter.CreateObservableCounter("coord_zookeeper_packets_sent", () => _stats?.SentTotal ?? 0, description: "Replies sent since the silo started (mntr zk_packets_sent counts since srst)");
    }

    /// <summary>One request answered (or given up on: <paramref name="outcome"/> ConnectionLoss), <paramref name="seconds"/> after it was read.</summary>
    public static void RecordReply(int opcode, CoordErrorCode outcome, double seconds)
    {
        var operation = OperationName(opcode);
        Requests.Add(1, new TagList { { "front_end", FrontEnd }, { "operation", operation }, { "outcome", Outcome(outcome) } });
        Duration.Record(seconds, new TagList { { "front_end", FrontEnd }, { "operation", operation } });
    }

    /// <summary>Watch events written to one connection.</summary>
    public static void RecordEventsDelivered(int count)
    {
        if (count > 0) EventsDelivered.Add(count, new KeyValuePair<string, object?>("front_end", FrontEnd));
    }

    /// <summary>A connection closed because its watch events piled up (<c>queue_full</c>) or were lost upstream (<c>events_lost</c>).</summary>
    public static void RecordWatchDisconnect(bool queueFull) =>
        Disconnects.Add(1, new KeyValuePair<string, object?>("reason", queueFull ? "queue_full" : "events_lost"));

    private static string Outcome(CoordErrorCode code) => Outcomes.TryGetValue(code, out var name) ? name : "unknown";

    /// <summary>ZooKeeper's names of the request types (as its Java client's OpCode constants).</summary>
    internal static string OperationName(int opcode) => opcode switch
    {
        OpCode.Create => "create",
        OpCode.Create2 => "create2",
        OpCode.CreateContainer => "createContainer",
        OpCode.CreateTtl => "createTTL",
        OpCode.Delete => "delete",
        OpCode.DeleteContainer => "deleteContainer",
        OpCode.Exists => "exists",
        OpCode.GetData => "getData",
        OpCode.SetData => "setData",
        OpCode.GetAcl => "getACL",
        OpCode.SetAcl => "setACL",
        OpCode.GetChildren => "getChildren",
        OpCode.GetChildren2 => "getChildren2",
        OpCode.Sync => "sync",
        OpCode.Ping => "ping",
        OpCode.Check => "check",
        OpCode.Multi => "multi",
        OpCode.MultiRead => "multiRead",
        OpCode.Auth => "auth",
        OpCode.SetWatches => "setWatches",
        OpCode.SetWatches2 => "setWatches2",
        OpCode.AddWatch => "addWatch",
        OpCode.CheckWatches => "checkWatches",
        OpCode.RemoveWatches => "removeWatches",
        OpCode.GetEphemerals => "getEphemerals",
        OpCode.GetAllChildrenNumber => "getAllChildrenNumber",
        OpCode.WhoAmI => "whoAmI",
        OpCode.CloseSession => "closeSession",
        OpCode.Reconfig => "reconfig",
        OpCode.Sasl => "sasl",
        _ => "unknown",
    };
}
