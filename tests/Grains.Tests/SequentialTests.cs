using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

public abstract class SequentialTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ConcurrentCreators_GetUniqueGapFreeNumbers()
    {
        var parent = $"/seq-{Guid.NewGuid():N}";
        await using (var setup = await fixture.ConnectAsync()) await setup.CreateAsync(parent);

        var clients = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => fixture.ConnectAsync()));
        var created = await Task.WhenAll(clients.Select(async client =>
        {
            var paths = new List<string>();
            for (var i = 0; i < 25; i++) paths.Add(await client.CreateAsync(parent + "/item-", mode: CreateMode.PersistentSequential));
            return paths;
        }));
        foreach (var client in clients) await client.DisposeAsync();

        var all = created.SelectMany(p => p).ToList();
        Assert.Equal(200, all.Distinct().Count());
        var numbers = all.Select(p => long.Parse(p[(parent.Length + "/item-".Length)..])).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), numbers);
        Assert.All(all, p => Assert.Matches(@"/item-\d{10}$", p));
    }

    [Fact]
    public async Task Numbers_AreNotReusedAfterDeletes()
    {
        await using var client = await fixture.ConnectAsync();
        var parent = await client.CreateAsync($"/seq-{Guid.NewGuid():N}");
        var first = await client.CreateAsync(parent + "/n-", mode: CreateMode.PersistentSequential);
        var second = await client.CreateAsync(parent + "/n-", mode: CreateMode.EphemeralSequential);
        await client.DeleteAsync(first);
        await client.DeleteAsync(second);
        var third = await client.CreateAsync(parent + "/n-", mode: CreateMode.PersistentSequential);
        Assert.Equal(parent + "/n-0000000002", third);
    }

    [Fact]
    public async Task SequentialWithEmptyPrefix_NameIsTheCounter()
    {
        await using var client = await fixture.ConnectAsync();
        var parent = await client.CreateAsync($"/seq-{Guid.NewGuid():N}");
        Assert.Equal(parent + "/0000000000", await client.CreateAsync(parent + "/", mode: CreateMode.PersistentSequential));
    }
}

public sealed class SequentialTestsOnMemory(ClusterFixture fixture) : SequentialTests(fixture), IClassFixture<ClusterFixture>;

public sealed class SequentialTestsOnAzurite(AzuriteClusterFixture fixture) : SequentialTests(fixture), IClassFixture<AzuriteClusterFixture>;

public sealed class SequentialTestsOnPostgres(PostgresClusterFixture fixture) : SequentialTests(fixture), IClassFixture<PostgresClusterFixture>;
