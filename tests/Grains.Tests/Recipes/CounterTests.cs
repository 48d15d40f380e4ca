using OrleansCoord.Errors;
using OrleansCoord.Grains.Recipes.Counters;
using OrleansCoord.Grains.Recipes.Records;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Tests.Fixtures;

namespace OrleansCoord.Grains.Tests.Recipes;

public sealed class CounterTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Add_FromEightClients_SumsExactly()
    {
        var name = $"sum-{Guid.NewGuid():N}";
        var clients = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => fixture.ConnectAsync()));
        try
        {
            var returned = await Task.WhenAll(clients.SelectMany((client, c) => Enumerable.Range(0, 25)
                .Select(i => client.Counters.AddAsync(name, (c + 1) * (i % 2 == 0 ? 3 : -1)))));

            var expected = Enumerable.Range(0, 8).Sum(c => (c + 1) * (13 * 3 - 12));
            Assert.Equal(expected, await clients[0].Counters.GetAsync(name));
            // The adds applied one after another; the last one returned the final value.
            Assert.Contains(expected, returned);
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.CloseAsync()));
        }
    }

    [Fact]
    public async Task CompareAndSet_SwapsOnlyFromTheExpectedValue()
    {
        await using var client = await fixture.ConnectAsync();
        var name = $"cas-{Guid.NewGuid():N}";
        Assert.Equal(0, await client.Counters.GetAsync(name));

        Assert.Equal(new(false, 0), await client.Counters.CompareAndSetAsync(name, 5, 7));
        Assert.Equal(new(true, 7), await client.Counters.CompareAndSetAsync(name, 0, 7));
        Assert.Equal(new(false, 7), await client.Counters.CompareAndSetAsync(name, 0, 9));
        Assert.Equal(7, await client.Counters.GetAsync(name));
    }

    [Fact]
    public async Task CompareAndSet_ConcurrentIncrements_OneWinnerPerValue()
    {
        var name = $"cas-race-{Guid.NewGuid():N}";
        var clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => fixture.ConnectAsync()));
        try
        {
            var wins = await Task.WhenAll(clients.Select(async client =>
            {
                var won = new List<long>();
                for (var attempt = 0; attempt < 20; attempt++)
                {
                    var seen = await client.Counters.GetAsync(name);
                    if ((await client.Counters.CompareAndSetAsync(name, seen, seen + 1)).Succeeded) won.Add(seen + 1);
                }

                return won;
            }));

            var all = wins.SelectMany(w => w).ToList();
            Assert.Equal(all.Count, all.Distinct().Count());
            Assert.Equal(all.Count, await clients[0].Counters.GetAsync(name));
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.CloseAsync()));
        }
    }

    [Fact]
    public async Task Add_AfterAnotherActivationWrote_RetiresAndAppliesOnTheStoredValue()
    {
        await using var client = await fixture.ConnectAsync();
        var name = $"dup-{Guid.NewGuid():N}";
        Assert.Equal(5, await client.Counters.AddAsync(name, 5));

        // What a duplicate activation would do: decide on the stored record behind the cached one's back.
        var store = MemoryTreeStore.GetShared(fixture.Cluster.Options.ClusterId);
        var other = new RecipeRecord<CounterState>(store, CounterGrain.KeyPrefix + name, "counter:" + name, () => { },
            new StorageRegressionGuard(Microsoft.Extensions.Logging.Abstractions.NullLogger<StorageRegressionGuard>.Instance), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var stored = await other.LoadAsync();
        Assert.Null(await other.CommitAsync(stored! with { Value = 100 }));

        // The cached activation's conditional write fails, it retires, and the SDK's retry applies the add once.
        Assert.Equal(101, await client.Counters.AddAsync(name, 1));
        Assert.Equal(101, await client.Counters.GetAsync(name));
    }

    [Fact]
    public async Task BadInput_TypedError_ChangesNothing()
    {
        await using var client = await fixture.ConnectAsync();
        var name = $"bad-{Guid.NewGuid():N}";
        foreach (var empty in new[] { "", "  ", "a\u0001b" })
        {
            var error = await Assert.ThrowsAsync<CoordException>(() => client.Counters.AddAsync(empty, 1));
            Assert.Equal(CoordErrorCode.BadArguments, error.Code);
        }

        await client.Counters.AddAsync(name, long.MaxValue);
        var overflow = await Assert.ThrowsAsync<CoordException>(() => client.Counters.AddAsync(name, 1));
        Assert.Equal(CoordErrorCode.BadArguments, overflow.Code);
        Assert.Equal(long.MaxValue, await client.Counters.GetAsync(name));
    }
}
