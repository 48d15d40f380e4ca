using Microsoft.Extensions.Hosting;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Grains.Sessions;

/// <summary>
/// How many sessions are open and how many ephemerals they own in the whole grid, counted from the tree store (a
/// session's fence row exists while it is open; an ephemeral has an index row under its session): the source of the
/// gauges <c>coord_sessions_open</c> and <c>coord_ephemerals</c> (<see cref="SessionMeter"/>) and of mntr's
/// <c>zk_ephemerals_count</c>; and the recipe holds (<c>coord_recipe_holds</c>, Recipes/RecipeMeter).
/// </summary>
/// <remarks>
/// Counted from the store, not by the grains, so the figures stay true when session grains deactivate, move or die with
/// their silo (a silo's own up/down count would drift), and every silo reports the grid's total (take the max over
/// silos, not the sum). Counting lists keys, so a count is reused for <see cref="MaxAge"/> and made only when read, and
/// once when the silo starts (so that its first scrape normally finds one): a scrape or an mntr may see figures up to
/// that old; a silo nobody asks counts nothing after its first count. The gauges of one metrics collection all show
/// one count (<see cref="CensusScrape"/>).
/// </remarks>
public sealed class SessionCensus : IHostedService
{
    /// <summary>How long a count is reused.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    /// <summary>How long a metrics collection waits for a new count when the last is older than <see cref="MaxAge"/>
    /// (or there is none yet) before it shows the last one (or, before the first, no census figures at all).</summary>
    public static readonly TimeSpan ScrapeWait = TimeSpan.FromMilliseconds(500);

    private readonly ITreeStore _store;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private Task<Counts>? _counting;
    private Counts _latest = new(-1, -1, null);
    private long? _countedAt;

    internal SessionCensus(ITreeStore store, TimeProvider? time = null)
    {
        _store = store;
        _time = time ?? TimeProvider.System;
        Scrape = new CensusScrape(this);
        SessionMeter.Observe(this);
        Recipes.RecipeMeter.Observe(this);
    }

    /// <summary>Open sessions and their ephemerals (-1 before the first count), and the recipe hold rows by recipe kind
    /// (one per session and recipe it holds something in; null before the first count).</summary>
    public readonly record struct Counts(long Sessions, long Ephemerals, IReadOnlyDictionary<string, long>? Holds);

    /// <summary>What the census gauges show: one count per metrics collection.</summary>
    internal CensusScrape Scrape { get; }

    /// <summary>A count at most <see cref="MaxAge"/> old (waits for a new one when the last is older).</summary>
    public Task<Counts> ReadAsync()
    {
        lock (_lock)
        {
            if (_countedAt is { } countedAt && _time.GetElapsedTime(countedAt) <= MaxAge) return Task.FromResult(_latest);
            return _counting ??= CountAsync();
        }
    }

    /// <summary>
    /// The count a metrics collection shows: the last if at most <see cref="MaxAge"/> old, else a new one, waited for
    /// at most <see cref="ScrapeWait"/> (this blocks the collection's thread that long at most: meters' callbacks are
    /// synchronous); the last one if the new one has not landed by then; null before the first count has landed.
    /// </summary>
    internal Counts? ReadForScrape()
    {
        var reading = ReadAsync();
        reading.Wait(ScrapeWait); // never faults: a count that fails returns the last figures
        lock (_lock) return _countedAt is null ? null : _latest;
    }

    /// <summary>Starts the first count, so that the first scrape normally finds one.</summary>
    Task IHostedService.StartAsync(CancellationToken cancellationToken)
    {
        _ = ReadAsync();
        return Task.CompletedTask;
    }

    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<Counts> CountAsync()
    {
        await Task.Yield();
        try
        {
            var sessions = await _store.ListKeysAsync(TreeKeys.SessionFencePrefix);
            var ephemerals = await _store.ListKeysAsync(TreeKeys.EphemeralIndexPrefix);
            var holds = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var key in await _store.ListKeysAsync(Recipes.RecipeKeys.HoldIndexPrefix))
            {
                var kind = Recipes.RecipeKeys.KindOf(Recipes.RecipeKeys.GrainKeyOfHold(key));
                holds[kind] = holds.GetValueOrDefault(kind) + 1;
            }

            var counts = new Counts(sessions.Count, ephemerals.Count, holds);
            lock (_lock) (_latest, _countedAt, _counting) = (counts, _time.GetTimestamp(), null);
            return counts;
        }
        catch (Exception)
        {
            // The store is away: the last figures stay, and the next read tries again.
            lock (_lock)
            {
                _counting = null;
                return _latest;
            }
        }
    }
}
