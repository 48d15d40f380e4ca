using System.Diagnostics.Metrics;

namespace OrleansCoord.Grains.Sessions;

/// <summary>
/// Sessions opened and ended on this silo (meter <c>OrleansCoord.Grid.Sessions</c>, exported by the silo's
/// <c>/metrics</c>). Counted where the store has committed the change, so a retried open or a close that joined an
/// expiry is counted once.
/// </summary>
/// <remarks>
/// The counters are this silo's (a session opened on one silo may end on another: sum them over silos). The gauges of
/// open sessions and of ephemerals are the grid's, counted from the store by <see cref="SessionCensus"/>, so they stay
/// true across deactivation and failover: every silo reports the same figure (take the max over silos, not the sum). Both
/// show the same count in one scrape, and neither shows anything before the census's first count.
/// </remarks>
internal static class SessionMeter
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "OrleansCoord.Grid.Sessions";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Opened = Meter.CreateCounter<long>("coord_sessions_opened", description: "Sessions opened");
    private static readonly Counter<long> Ended = Meter.CreateCounter<long>("coord_sessions_ended", description: "Sessions ended, by reason (closed by the client, expired)");

    private static SessionCensus? _census;

    /// <summary>The gauges read <paramref name="census"/> (the silo's; the last one made in a process of several).</summary>
    public static void Observe(SessionCensus census)
    {
        if (Interlocked.Exchange(ref _census, census) is not null) return;
        Meter.CreateObservableGauge("coord_sessions_open", () => ObserveCensus(CensusGauge.SessionsOpen, counts => counts.Sessions),
            description: "Open sessions in the grid (counted from the store, at most 2 s old)");
        Meter.CreateObservableGauge("coord_ephemerals", () => ObserveCensus(CensusGauge.Ephemerals, counts => counts.Ephemerals),
            description: "Ephemeral znodes in the grid (counted from the store, at most 2 s old; mntr zk_ephemerals_count)");
    }

    // Nothing before the census's first count; the count this collection shows (CensusScrape) after it.
    private static IEnumerable<Measurement<long>> ObserveCensus(CensusGauge gauge, Func<SessionCensus.Counts, long> figure) =>
        _census?.Scrape.Read(gauge) is { } counts ? [new Measurement<long>(figure(counts))] : [];

    /// <summary>A session was opened.</summary>
    public static void RecordOpened() => Opened.Add(1);

    /// <summary>A session ended: <paramref name="closed"/> by its client, else expired.</summary>
    public static void RecordEnded(bool closed) => Ended.Add(1, new KeyValuePair<string, object?>("reason", closed ? "closed" : "expired"));
}
