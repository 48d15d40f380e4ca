using System.Diagnostics.Metrics;

namespace OrleansCoord.Grains.Sessions;

/// <summary>
/// Sessions opened and ended on this silo (meter <c>OrleansCoord.Grid.Sessions</c>, exported by the silo's
/// <c>/metrics</c>). Counted where the store has committed the change, so a retried open or a close that joined an
/// expiry is counted once.
/// </summary>
/// <remarks>
/// Counters, not a gauge of open sessions: a session opened on one silo may end on another, and a silo that dies
/// takes its counts with it, so "open now" is the sum over silos of opened minus ended since they started.
/// </remarks>
internal static class SessionMeter
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "OrleansCoord.Grid.Sessions";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Opened = Meter.CreateCounter<long>("coord_sessions_opened", description: "Sessions opened");
    private static readonly Counter<long> Ended = Meter.CreateCounter<long>("coord_sessions_ended", description: "Sessions ended, by reason (closed by the client, expired)");

    /// <summary>A session was opened.</summary>
    public static void RecordOpened() => Opened.Add(1);

    /// <summary>A session ended: <paramref name="closed"/> by its client, else expired.</summary>
    public static void RecordEnded(bool closed) => Ended.Add(1, new KeyValuePair<string, object?>("reason", closed ? "closed" : "expired"));
}
