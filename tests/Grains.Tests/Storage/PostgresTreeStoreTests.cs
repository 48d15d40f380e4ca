using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Storage.Postgres;

namespace OrleansCoord.Grains.Tests.Storage;

/// <summary>The storage contract against <see cref="PostgresTreeStore"/> on a PostgreSQL the fixture starts.</summary>
public sealed class PostgresTreeStoreTests(PostgresFixture postgres) : TreeStoreContract, IClassFixture<PostgresFixture>, IAsyncDisposable
{
    private readonly PostgresTreeStore _store = new(postgres.ConnectionString, "storecontract");

    protected override ITreeStore Store => _store;

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    [Fact]
    public async Task ConcurrentCommits_ShareTransactions()
    {
        await using var store = new PostgresTreeStore(postgres.ConnectionString, "storecontract");
        var results = await Task.WhenAll(Enumerable.Range(0, 400).Select(i =>
            store.CommitAsync([RecordWrite.Insert($"group:{Guid.NewGuid():N}:{i}", [(byte)i])])));
        Assert.All(results, r => Assert.True(r.Committed));
        var (groups, commits) = store.GroupCommitStats;
        Assert.Equal(400, commits);
        Assert.True(groups < 100, $"400 concurrent commits went out in {groups} transactions");
        TestContext.Current.TestOutputHelper?.WriteLine($"400 concurrent commits in {groups} transactions");
    }

    [Fact]
    public async Task NoServer_EveryCallThrowsTreeStoreException()
    {
        var port = FreePorts.Pick(1)[0];
        await using var store = new PostgresTreeStore($"Host=127.0.0.1;Port={port};Username=postgres;Timeout=2", "unreachable");
        await Assert.ThrowsAsync<TreeStoreException>(() => store.ReadAsync("k"));
        await Assert.ThrowsAsync<TreeStoreException>(() => store.ListKeysAsync("k"));
        await Assert.ThrowsAsync<TreeStoreException>(() => store.CommitAsync([RecordWrite.Insert("k", [1])]));
    }

    [Fact]
    public async Task TwoStoresOnOneTable_SeeEachOthersWrites_AndConflictOnStaleTokens()
    {
        // Two silos: two stores, two group-commit loops, one table.
        await using var other = new PostgresTreeStore(postgres.ConnectionString, "storecontract");
        var key = $"two:{Guid.NewGuid():N}";
        var token = (await _store.CommitAsync([RecordWrite.Insert(key, [1])])).Tokens![key];
        Assert.Equal(key, (await other.CommitAsync([RecordWrite.Insert(key, [2])])).ConflictKey);
        var results = await Task.WhenAll(
            _store.CommitAsync([RecordWrite.Replace(key, [3], token)]),
            other.CommitAsync([RecordWrite.Replace(key, [4], token)]));
        Assert.Single(results, r => r.Committed);
        Assert.Equal((await _store.ReadAsync(key))!.Value, (await other.ReadAsync(key))!.Value);
    }
}
