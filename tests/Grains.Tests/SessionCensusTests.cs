using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using OrleansCoord.Grains.Recipes;
using OrleansCoord.Grains.Sessions;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Grains.Tests;

/// <summary>
/// The census gauges (<c>coord_sessions_open</c>, <c>coord_ephemerals</c>, <c>coord_recipe_holds</c>) as a metrics
/// collection reads them: every gauge of one collection shows the same count, even when a count lands in the middle of
/// the collection, and none shows anything before the first count has landed. The store's listings are held and
/// released by the test, so that a count lands exactly between two gauges' callbacks.
/// </summary>
/// <remarks>The gauges are process-wide and read the census made last; the project's test classes run one at a time.</remarks>
public sealed class SessionCensusTests
{
    [Fact]
    public async Task FirstCollection_CountLandsBetweenGauges_NoGaugeShowsNotCountedBesideAFigure()
    {
        var store = new HeldListings();
        await store.AddAsync(1);
        store.Hold();
        var census = new SessionCensus(store);
        using var gauges = new CensusGauges(census, store);

        // The first gauge read starts the first count, which the store holds; the first figure shown lets it land.
        var first = gauges.Collect();
        Assert.True(first.Count == 0 || first.Values.All(figure => figure == 1), $"one count or none: {gauges.Describe(first)}");

        store.Release();
        await census.ReadAsync();
        Assert.Equal(Expected(1), gauges.Collect());
    }

    [Fact]
    public async Task CountLandsMidCollection_EveryGaugeOfTheCollectionShowsOneCount()
    {
        var store = new HeldListings();
        await store.AddAsync(1);
        var time = new FakeTimeProvider();
        var census = new SessionCensus(store, time);
        await census.ReadAsync();
        using var gauges = new CensusGauges(census, store);
        Assert.Equal(Expected(1), gauges.Collect());

        // A second session with its ephemeral and its hold; the first count is too old to reuse.
        await store.AddAsync(2);
        time.Advance(SessionCensus.MaxAge + TimeSpan.FromSeconds(1));
        store.Hold();
        var second = gauges.Collect();
        Assert.True(second.Values.Distinct().Count() == 1, $"one count: {gauges.Describe(second)}");

        // The count that landed during that collection shows in the next, in every gauge.
        Assert.Equal(Expected(2), gauges.Collect());
    }

    private static Dictionary<string, long> Expected(long each) =>
        new() { ["coord_sessions_open"] = each, ["coord_ephemerals"] = each, ["coord_recipe_holds{Lock}"] = each };

    /// <summary>A memory store whose listings wait while held.</summary>
    private sealed class HeldListings : ITreeStore
    {
        private readonly MemoryTreeStore _store = new();
        private TaskCompletionSource _released = CompletedGate();

        public TreeStoreLimits Limits => _store.Limits;

        /// <summary>Session <paramref name="sessionId"/>, one ephemeral of it and one lock it holds.</summary>
        public async Task AddAsync(long sessionId)
        {
            var result = await _store.CommitAsync([RecordWrite.Insert(TreeKeys.SessionFence(sessionId), []),
                RecordWrite.Insert(TreeKeys.EphemeralIndex(sessionId, $"/e{sessionId}"), []),
                RecordWrite.Insert(RecipeKeys.HoldIndex(sessionId, $"Lock:l{sessionId}"), [])]);
            Assert.True(result.Committed);
        }

        public void Hold() => _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        public bool Held => !_released.Task.IsCompleted;

        public async Task<List<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken = default)
        {
            await _released.Task;
            return await _store.ListKeysAsync(prefix, cancellationToken);
        }

        public Task<StoredRecord?> ReadAsync(string key, CancellationToken cancellationToken = default) => _store.ReadAsync(key, cancellationToken);

        public Task<CommitResult> CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken = default) =>
            _store.CommitAsync(writes, cancellationToken);

        private static TaskCompletionSource CompletedGate()
        {
            var gate = new TaskCompletionSource();
            gate.SetResult();
            return gate;
        }
    }

    /// <summary>
    /// Collects the census gauges as an exporter does (one <see cref="MeterListener.RecordObservableInstruments"/> per
    /// scrape). At the first figure of a collection, a held store is released and the count under way waited for, so
    /// that it lands before the next gauge's callback.
    /// </summary>
    private sealed class CensusGauges : IDisposable
    {
        private static readonly string[] Names = ["coord_sessions_open", "coord_ephemerals", "coord_recipe_holds"];
        private readonly MeterListener _listener = new();
        private readonly SessionCensus _census;
        private readonly HeldListings _store;
        private Dictionary<string, long> _figures = [];

        public CensusGauges(SessionCensus census, HeldListings store)
        {
            (_census, _store) = (census, store);
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name is SessionMeter.MeterName or RecipeMeter.MeterName && Names.Contains(instrument.Name)) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                if (_figures.Count == 0 && _store.Held)
                {
                    var landing = _census.ReadAsync();
                    _store.Release();
                    landing.GetAwaiter().GetResult();
                }

                var kind = tags.ToArray().SingleOrDefault(tag => tag.Key == "kind").Value;
                // Holds of the other recipe kinds are 0 in every count here: only the locks' figure tells counts apart.
                if (kind is null or "Lock") _figures[kind is null ? instrument.Name : $"{instrument.Name}{{{kind}}}"] = value;
            });
            _listener.Start();
        }

        /// <summary>One collection's figures by gauge (and kind).</summary>
        public Dictionary<string, long> Collect()
        {
            _figures = [];
            _listener.RecordObservableInstruments();
            return _figures;
        }

        public string Describe(Dictionary<string, long> figures) => string.Join(", ", figures.Select(f => $"{f.Key}={f.Value}"));

        public void Dispose() => _listener.Dispose();
    }
}
