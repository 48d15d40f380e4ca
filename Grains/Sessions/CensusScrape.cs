namespace OrleansCoord.Grains.Sessions;

/// <summary>The gauges that show the census's figures.</summary>
internal enum CensusGauge
{
    SessionsOpen,
    Ephemerals,
    RecipeHolds,
}

/// <summary>
/// The census count that the gauges of one metrics collection (one scrape of <c>/metrics</c>) show: every census gauge
/// of a collection shows the same count, so a scrape never shows the sessions of one count beside the ephemerals of the
/// next, nor one gauge's "not counted yet" beside another's figure. Before the first count has landed the census gauges
/// show nothing (no figure, rather than a made-up -1 or 0).
/// </summary>
/// <remarks>
/// .NET's meters have no callback for a whole collection: a collection calls each gauge's callback in turn, once per
/// gauge. So a gauge read again means that a new collection has begun, and only then (or at the very first read) is the
/// count to show taken (<see cref="SessionCensus.ReadForScrape"/>, which may wait briefly for a new count); the other
/// gauges of that collection show the same one, whatever count lands meanwhile. This assumes one listener collecting at
/// a time, as the silo's one OpenTelemetry exporter does (OpenTelemetry collects one provider's instruments under a
/// lock); two listeners collecting at once on two threads could each see a count change in the other's middle.
/// </remarks>
internal sealed class CensusScrape(SessionCensus census)
{
    private readonly Lock _lock = new();
    private readonly HashSet<CensusGauge> _shown = [];
    private SessionCensus.Counts? _counts;

    /// <summary>The count <paramref name="gauge"/> shows in the collection under way; null before the first count.</summary>
    public SessionCensus.Counts? Read(CensusGauge gauge)
    {
        lock (_lock)
        {
            if (_shown.Count == 0 || _shown.Contains(gauge))
            {
                _counts = census.ReadForScrape();
                _shown.Clear();
            }

            _shown.Add(gauge);
            return _counts;
        }
    }
}
