using OrleansCoord.Errors;
using OrleansCoord.Grains.Recipes;
using OrleansCoord.Grains.Recipes.Counters;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Recipes;

namespace OrleansCoord.Grains.Tests.Recipes;

/// <summary>
/// A store that comes back older than what a silo committed through it (an Azurite that lost its last seconds) must not
/// make a recipe decide a second time what it already acknowledged: the same fencing token granted again, the same
/// counter value handed out again. The silo notices when the recipe's record is read back and refuses with
/// DataInconsistency (GUARANTEES 1a). The store's going back is played here by writing an older record over the newer.
/// </summary>
public sealed class RecipeRegressionTests(SingleSiloClusterFixture fixture) : IClassFixture<SingleSiloClusterFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private MemoryTreeStore Store => MemoryTreeStore.GetShared(fixture.Cluster.Options.ClusterId);

    [Fact]
    public async Task LockRecordBackOlder_TheFencingTokenIsNotGrantedAgain_TheSiloRefuses()
    {
        var name = $"regress-{Guid.NewGuid():N}";
        var key = RecipeKeys.Record(RecipeLimits.GrainKey(LeaseKind.Lock, name));
        await using var client = await fixture.ConnectAsync();
        long first;
        await using (var held = await client.Locks.AcquireAsync(name, Wait)) first = held.FencingToken;
        var older = await Store.ReadAsync(key);
        await using (var held = await client.Locks.AcquireAsync(name, Wait)) Assert.True(held.FencingToken > first);

        await GoBackAsync(Store, key, older!.Value);

        var error = await Assert.ThrowsAsync<CoordException>(() => client.Locks.AcquireAsync(name, Wait));
        Assert.Equal(CoordErrorCode.DataInconsistency, error.Code);
        Assert.Contains("last fencing token", error.Message);
    }

    /// <summary>The store forgets the newer record: the older one is written back over it.</summary>
    internal static async Task GoBackAsync(MemoryTreeStore store, string key, byte[] older)
    {
        var current = await store.ReadAsync(key);
        Assert.True((await store.CommitAsync([RecordWrite.Replace(key, older, current!.Token)])).Committed);
    }
}

/// <summary>The same for a counter (a record of the JSON recipe records: counters, queues, barriers), on a silo of its own
/// (a silo that found a regression refuses everything from then on).</summary>
public sealed class CounterRegressionTests(SingleSiloClusterFixture fixture) : IClassFixture<SingleSiloClusterFixture>
{
    private MemoryTreeStore Store => MemoryTreeStore.GetShared(fixture.Cluster.Options.ClusterId);

    [Fact]
    public async Task CounterRecordBackOlder_NoValueIsHandedOutTwice_TheSiloRefuses()
    {
        var name = $"regress-{Guid.NewGuid():N}";
        var key = CounterGrain.KeyPrefix + name;
        await using var client = await fixture.ConnectAsync();
        var values = new List<long> { await client.Counters.AddAsync(name, 1) };
        var older = await Store.ReadAsync(key);
        values.Add(await client.Counters.AddAsync(name, 1));

        await RecipeRegressionTests.GoBackAsync(Store, key, older!.Value);

        var error = await Assert.ThrowsAsync<CoordException>(async () => values.Add(await client.Counters.AddAsync(name, 1)));
        Assert.Equal(CoordErrorCode.DataInconsistency, error.Code);
        Assert.Equal([1, 2], values);
    }
}
