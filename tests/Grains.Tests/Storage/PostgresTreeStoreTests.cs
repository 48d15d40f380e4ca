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

    /// <summary>Statements are prepared unless the connection string says otherwise (PgBouncer in transaction mode
    /// needs 0); this contract suite runs with preparation on.</summary>
    [Theory]
    [InlineData("Host=h;Username=u;Database=d", 16)]
    [InlineData("Host=h;Username=u;Database=d;Max Auto Prepare=0", 0)]
    [InlineData("Host=h;Username=u;Database=d;maxautoprepare=4", 4)]
    public void StatementPreparation_IsOnByDefault_AndAsTheConnectionStringSays(string connectionString, int expected)
    {
        var effective = new Npgsql.NpgsqlConnectionStringBuilder(PostgresTreeStore.WithStatementPreparation(connectionString));
        Assert.Equal(expected, effective.MaxAutoPrepare);
        Assert.Equal("h", effective.Host);
    }

    /// <summary>Pooled connections are not reset on return (the store keeps no session state) unless the connection
    /// string says otherwise.</summary>
    [Theory]
    [InlineData("Host=h;Username=u;Database=d", true)]
    [InlineData("Host=h;Username=u;Database=d;No Reset On Close=false", false)]
    public void ConnectionReset_IsOffByDefault_AndAsTheConnectionStringSays(string connectionString, bool expected)
    {
        var effective = new Npgsql.NpgsqlConnectionStringBuilder(PostgresTreeStore.WithoutConnectionReset(connectionString));
        Assert.Equal(expected, effective.NoResetOnClose);
        Assert.Equal("h", effective.Host);
    }

    /// <summary>
    /// A group of one single write skips the commit function but takes its key's lock (ADR 012): increments of one
    /// counter, one at a time from one store (single writes) and many at once from another (groups through the function,
    /// each increment with a second record), lose none: the counter ends at the number of increments that committed.
    /// </summary>
    [Fact]
    public async Task SingleWrites_AndGroupsOfAnotherStore_OnOneKey_LoseNoUpdate()
    {
        await using var other = new PostgresTreeStore(postgres.ConnectionString, "storecontract");
        var counter = $"counter:{Guid.NewGuid():N}";
        Assert.True((await _store.CommitAsync([RecordWrite.Insert(counter, BitConverter.GetBytes(0))])).Committed);

        static async Task<bool> Increment(ITreeStore store, string key, RecordWrite? alongside)
        {
            var current = (await store.ReadAsync(key))!;
            var next = BitConverter.GetBytes(BitConverter.ToInt32(current.Value) + 1);
            IReadOnlyList<RecordWrite> writes = alongside is null
                ? [RecordWrite.Replace(key, next, current.Token)]
                : [RecordWrite.Replace(key, next, current.Token), alongside];
            return (await store.CommitAsync(writes)).Committed;
        }

        async Task<int> OneAtATime()
        {
            var committed = 0;
            for (var i = 0; i < 150; i++) committed += await Increment(_store, counter, null) ? 1 : 0;
            return committed;
        }

        async Task<int> ManyAtOnce(int worker)
        {
            var committed = 0;
            for (var i = 0; i < 30; i++)
                committed += await Increment(other, counter, RecordWrite.Insert($"{counter}:{worker}:{i}", [1])) ? 1 : 0;
            return committed;
        }

        var counts = await Task.WhenAll([OneAtATime(), .. Enumerable.Range(0, 8).Select(ManyAtOnce)]);

        Assert.True(counts[0] > 0 && counts.Skip(1).Sum() > 0, $"increments committed: {string.Join(", ", counts)}");
        Assert.Equal(counts.Sum(), BitConverter.ToInt32((await _store.ReadAsync(counter))!.Value));
    }

    /// <summary>
    /// A small group of several commits (ADR 012: up to four writes of distinct keys, without the commit function) fails
    /// only the commits whose conditions fail, each with its own key, and applies the others whole.
    /// </summary>
    [Fact]
    public async Task SmallGroup_OfSeveralCommits_FailsOnlyTheCommitsWhoseConditionFails()
    {
        var run = $"small:{Guid.NewGuid():N}/";
        var (a, b, c, d, e) = (run + "a", run + "b", run + "c", run + "d", run + "e");
        var tokens = (await _store.CommitAsync([RecordWrite.Insert(a, [1]), RecordWrite.Insert(b, [2]), RecordWrite.Insert(c, [3])])).Tokens!;
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(postgres.ConnectionString);
        await using var batcher = new PostgresCommitBatcher(dataSource, new PostgresSchema("storecontract"), _ => Task.CompletedTask);

        async Task<CommitResult[]> Send(params RecordWrite[][] commits)
        {
            var group = commits.Select(writes => new PendingCommit(writes)).ToList();
            Assert.True(PostgresSmallGroup.Fits(group));
            await batcher.ApplyAsync(group);
            return await Task.WhenAll(group.Select(pending => pending.Result.Task));
        }

        var first = await Send([RecordWrite.Replace(a, [10], tokens[a])], [RecordWrite.Delete(b, tokens[c])], [RecordWrite.Insert(d, [4]), RecordWrite.Touch(c)]);
        Assert.True(first[0].Committed);
        Assert.Equal(b, first[1].ConflictKey);
        Assert.True(first[2].Committed);
        Assert.Equal([a, b, c, d], await _store.ListKeysAsync(run));
        Assert.Equal(first[0].Tokens![a], (await _store.ReadAsync(a))!.Token);
        Assert.Equal([10], (await _store.ReadAsync(a))!.Value);
        Assert.Equal((first[2].Tokens![d], tokens[c]), ((await _store.ReadAsync(d))!.Token, first[2].Tokens![c]));

        var second = await Send([RecordWrite.Insert(e, [5]), RecordWrite.Insert(a, [11])], [RecordWrite.Delete(b, tokens[b]), RecordWrite.Touch(c)]);
        Assert.Equal(a, second[0].ConflictKey);
        Assert.True(second[1].Committed);
        Assert.Equal([a, c, d], await _store.ListKeysAsync(run));
        Assert.Equal([10], (await _store.ReadAsync(a))!.Value);
    }

    /// <summary>
    /// Commits of three records (replace a shared parent at the token all read, insert a child of one's own, touch a
    /// fence) from four stores (four silos) at once, each alone in its group and so through the small-group statement:
    /// in every round exactly one wins, and only its child and its parent value are there. Without the keys' advisory
    /// locks two could pass the check at once (READ COMMITTED re-checks only the row's key when an update waits).
    /// </summary>
    [Fact]
    public async Task SmallCommits_RacingFromSeveralStores_ExactlyOneWinsEachRound()
    {
        var stores = new List<PostgresTreeStore>();
        for (var i = 0; i < 4; i++) stores.Add(new PostgresTreeStore(postgres.ConnectionString, "storecontract"));
        try
        {
            var run = $"race:{Guid.NewGuid():N}/";
            var (parent, fence) = (run + "parent", run + "fence");
            await _store.CommitAsync([RecordWrite.Insert(parent, [0]), RecordWrite.Insert(fence, [])]);
            for (var round = 0; round < 40; round++)
            {
                var token = (await _store.ReadAsync(parent))!.Token;
                var results = await Task.WhenAll(stores.Select((store, i) => store.CommitAsync(
                    [RecordWrite.Replace(parent, [(byte)i], token), RecordWrite.Insert($"{run}child:{round}:{i}", [1]), RecordWrite.Touch(fence)])));

                var winner = Assert.Single(Enumerable.Range(0, stores.Count), i => results[i].Committed);
                Assert.All(results.Where(r => !r.Committed), r => Assert.Equal(parent, r.ConflictKey));
                Assert.Equal([(byte)winner], (await _store.ReadAsync(parent))!.Value);
                Assert.Equal([$"{run}child:{round}:{winner}"], await _store.ListKeysAsync($"{run}child:{round}:"));
            }

            Assert.All(stores, store => Assert.Equal(store.GroupCommitStats.Groups, store.GroupCommitStats.Commits));
        }
        finally
        {
            foreach (var store in stores) await store.DisposeAsync();
        }
    }

    /// <summary>
    /// The small-group statement takes its keys' locks in the function's order (ADR 012): two counters incremented
    /// together, four stores each sending one two-record commit at a time (small groups, the keys in one order) and another
    /// many at once (groups through the function, the keys in the other order, each with a third record), never
    /// deadlock (PostgreSQL would abort one transaction: a TreeStoreException) and lose no increment.
    /// </summary>
    [Fact]
    public async Task SmallCommits_AndFunctionGroups_OnSharedKeys_NeitherDeadlockNorLoseUpdates()
    {
        await using var other = new PostgresTreeStore(postgres.ConnectionString, "storecontract");
        var run = $"pair:{Guid.NewGuid():N}/";
        var (x, y) = (run + "x", run + "y");
        await _store.CommitAsync([RecordWrite.Insert(x, BitConverter.GetBytes(0)), RecordWrite.Insert(y, BitConverter.GetBytes(0))]);

        static async Task<bool> Increment(ITreeStore store, string first, string second, RecordWrite? alongside)
        {
            var (one, two) = ((await store.ReadAsync(first))!, (await store.ReadAsync(second))!);
            List<RecordWrite> writes =
            [
                RecordWrite.Replace(first, BitConverter.GetBytes(BitConverter.ToInt32(one.Value) + 1), one.Token),
                RecordWrite.Replace(second, BitConverter.GetBytes(BitConverter.ToInt32(two.Value) + 1), two.Token),
            ];
            if (alongside is not null) writes.Add(alongside);
            return (await store.CommitAsync(writes)).Committed;
        }

        async Task<int> OneAtATime()
        {
            await using var store = new PostgresTreeStore(postgres.ConnectionString, "storecontract");
            var committed = 0;
            for (var i = 0; i < 100; i++) committed += await Increment(store, x, y, null) ? 1 : 0;
            return committed;
        }

        async Task<int> ManyAtOnce(int worker)
        {
            var committed = 0;
            for (var i = 0; i < 30; i++) committed += await Increment(other, y, x, RecordWrite.Insert($"{run}{worker}:{i}", [1])) ? 1 : 0;
            return committed;
        }

        var counts = await Task.WhenAll([.. Enumerable.Range(0, 4).Select(_ => OneAtATime()), .. Enumerable.Range(0, 8).Select(ManyAtOnce)]);

        Assert.True(counts.Take(4).Sum() > 0 && counts.Skip(4).Sum() > 0, $"increments committed: {string.Join(", ", counts)}");
        Assert.Equal(counts.Sum(), BitConverter.ToInt32((await _store.ReadAsync(x))!.Value));
        Assert.Equal(counts.Sum(), BitConverter.ToInt32((await _store.ReadAsync(y))!.Value));
    }

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

    /// <summary>No single-partition rule and no 96-record budget on this store (ADR 012): commits at the record limit
    /// from two stores (two silos) at once, among small ones that share groups, all land.</summary>
    [Fact]
    public async Task CommitsAtTheLimit_FromTwoStoresAmongSmallOnes_AllApply()
    {
        Assert.True(_store.Limits.MaxRecordsPerCommit > TreeStoreLimits.AzureTable.MaxRecordsPerCommit);
        await using var other = new PostgresTreeStore(postgres.ConnectionString, "storecontract");
        var prefix = $"big:{Guid.NewGuid():N}:";
        Task<CommitResult> Big(ITreeStore store, string name) => store.CommitAsync(
            Enumerable.Range(0, store.Limits.MaxRecordsPerCommit).Select(i => RecordWrite.Insert($"{prefix}{name}:{i}", [1])).ToList());
        var small = Enumerable.Range(0, 200).Select(i => (i % 2 == 0 ? _store : other).CommitAsync([RecordWrite.Insert($"{prefix}small:{i}", [2])]));

        var results = await Task.WhenAll([Big(_store, "a"), Big(other, "b"), .. small]);

        Assert.All(results, r => Assert.True(r.Committed));
        Assert.Equal(2 * _store.Limits.MaxRecordsPerCommit + 200, (await _store.ListKeysAsync(prefix)).Count);
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
