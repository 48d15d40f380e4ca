using OrleansCoord.Grains.Storage;
using OrleansCoord.Storage.AzureStorage;

namespace OrleansCoord.Grains.Tests.Storage;

/// <summary>What every <see cref="ITreeStore"/> must do; run against each implementation.</summary>
public abstract class TreeStoreContract
{
    protected abstract ITreeStore Store { get; }

    private static string Key(string name) => $"test:{Guid.NewGuid():N}:{name}";

    [Fact]
    public async Task Insert_ThenRead_ReturnsValueAndToken()
    {
        var key = Key("a");
        var result = await Store.CommitAsync([RecordWrite.Insert(key, [1, 2, 3])]);
        Assert.True(result.Committed);
        var read = await Store.ReadAsync(key);
        Assert.NotNull(read);
        Assert.Equal([1, 2, 3], read.Value);
        Assert.Equal(result.Tokens![key], read.Token);
        Assert.Null(await Store.ReadAsync(Key("missing")));
    }

    [Fact]
    public async Task Insert_Existing_ConflictsAndChangesNothing()
    {
        var key = Key("dup");
        var other = Key("other");
        await Store.CommitAsync([RecordWrite.Insert(key, [1])]);
        var result = await Store.CommitAsync([RecordWrite.Insert(other, [9]), RecordWrite.Insert(key, [2])]);
        Assert.False(result.Committed);
        Assert.Equal(key, result.ConflictKey);
        Assert.Null(await Store.ReadAsync(other));
        Assert.Equal([1], (await Store.ReadAsync(key))!.Value);
    }

    [Fact]
    public async Task ReplaceAndDelete_NeedTheCurrentToken()
    {
        var key = Key("cas");
        var first = (await Store.CommitAsync([RecordWrite.Insert(key, [1])])).Tokens![key];
        var second = (await Store.CommitAsync([RecordWrite.Replace(key, [2], first)])).Tokens![key];
        Assert.NotEqual(first, second);

        var stale = await Store.CommitAsync([RecordWrite.Replace(key, [3], first)]);
        Assert.Equal(key, stale.ConflictKey);
        Assert.Equal(key, (await Store.CommitAsync([RecordWrite.Delete(key, first)])).ConflictKey);
        Assert.Equal([2], (await Store.ReadAsync(key))!.Value);

        Assert.True((await Store.CommitAsync([RecordWrite.Delete(key, second)])).Committed);
        Assert.Null(await Store.ReadAsync(key));
    }

    [Fact]
    public async Task Touch_NeedsTheRecordToExist()
    {
        var fence = Key("fence");
        var target = Key("target");
        Assert.Equal(fence, (await Store.CommitAsync([RecordWrite.Insert(target, [1]), RecordWrite.Touch(fence)])).ConflictKey);
        Assert.Null(await Store.ReadAsync(target));
        await Store.CommitAsync([RecordWrite.Insert(fence, [])]);
        Assert.True((await Store.CommitAsync([RecordWrite.Insert(target, [1]), RecordWrite.Touch(fence)])).Committed);
    }

    /// <summary>
    /// A commit of three records (a znode, its parent and a fence, the common ZooKeeper create) with one failed
    /// condition, of each kind and in each place, changes nothing and names the failed key; with two failed, the first
    /// in the commit's order. With every condition holding, a commit of four applies whole with the records' tokens.
    /// </summary>
    [Fact]
    public async Task ThreeRecordCommit_OneFailedCondition_ChangesNothing_AndNamesItsKey()
    {
        var run = Key("three") + "/";
        var (parent, child, fence, missing, fresh) = (run + "parent", run + "child", run + "fence", run + "missing", run + "fresh");
        var created = (await Store.CommitAsync([RecordWrite.Insert(parent, [1]), RecordWrite.Insert(child, [2]), RecordWrite.Insert(fence, [3])])).Tokens!;
        var (p, c, f) = (created[parent], created[child], created[fence]);
        var stale = (await Store.CommitAsync([RecordWrite.Insert(Key("stale"), [0])])).Tokens!.Values.Single();

        var refused = new (RecordWrite[] Writes, string Failed)[]
        {
            ([RecordWrite.Replace(parent, [9], p), RecordWrite.Insert(fresh, [9]), RecordWrite.Insert(child, [9])], child),
            ([RecordWrite.Replace(parent, [9], stale), RecordWrite.Insert(fresh, [9]), RecordWrite.Touch(fence)], parent),
            ([RecordWrite.Replace(parent, [9], p), RecordWrite.Delete(child, stale), RecordWrite.Touch(fence)], child),
            ([RecordWrite.Replace(parent, [9], p), RecordWrite.Delete(child, c), RecordWrite.Touch(missing)], missing),
            ([RecordWrite.Delete(missing, "*"), RecordWrite.Delete(child, c), RecordWrite.Replace(parent, [9], p)], missing),
            ([RecordWrite.Replace(parent, [9], p), RecordWrite.Replace(child, [9], stale), RecordWrite.Insert(fence, [9])], child),
        };
        foreach (var (writes, failed) in refused)
        {
            var result = await Store.CommitAsync(writes);
            Assert.False(result.Committed);
            Assert.Equal(failed, result.ConflictKey);
            Assert.Equal([child, fence, parent], await Store.ListKeysAsync(run));
            await AssertRecord(parent, [1], p);
            await AssertRecord(child, [2], c);
            await AssertRecord(fence, [3], f);
        }

        var applied = await Store.CommitAsync([RecordWrite.Replace(parent, [4], p), RecordWrite.Delete(child, c), RecordWrite.Insert(fresh, [5]), RecordWrite.Touch(fence)]);
        Assert.True(applied.Committed);
        Assert.Equal([fence, fresh, parent], applied.Tokens!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([fence, fresh, parent], await Store.ListKeysAsync(run));
        await AssertRecord(parent, [4], applied.Tokens[parent]);
        await AssertRecord(fresh, [5], applied.Tokens[fresh]);
        await AssertRecord(fence, [3], applied.Tokens[fence]); // a touch may move the token (Azure does)
    }

    private async Task AssertRecord(string key, byte[] value, string token)
    {
        var record = await Store.ReadAsync(key);
        Assert.NotNull(record);
        Assert.Equal(value, record.Value);
        Assert.Equal(token, record.Token);
    }

    [Fact]
    public async Task ListKeys_ByPrefix_WithAwkwardCharacters()
    {
        var prefix = $"n/list-{Guid.NewGuid():N}/a b#?%'\\ü\u0001";
        string[] names = ["x", "y/z", "~tilde", "名前"];
        await Store.CommitAsync(names.Select(n => RecordWrite.Insert(prefix + n, [])).Append(RecordWrite.Insert(prefix[..^1] + "/sibling", [])).ToList());
        var keys = await Store.ListKeysAsync(prefix);
        Assert.Equal(names.Select(n => prefix + n).Order(StringComparer.Ordinal), keys);
    }

    [Fact]
    public async Task LargeValue_SpillsAndShrinks_RoundTrips()
    {
        var key = Key("large");
        var big = new byte[1024 * 1024 + 512];
        Random.Shared.NextBytes(big);
        var token = (await Store.CommitAsync([RecordWrite.Insert(key, big)])).Tokens![key];
        Assert.Equal(big, (await Store.ReadAsync(key))!.Value);

        var bigger = big.Reverse().ToArray();
        token = (await Store.CommitAsync([RecordWrite.Replace(key, bigger, token)])).Tokens![key];
        Assert.Equal(bigger, (await Store.ReadAsync(key))!.Value);

        token = (await Store.CommitAsync([RecordWrite.Replace(key, [7], token)])).Tokens![key];
        Assert.Equal([7], (await Store.ReadAsync(key))!.Value);

        // Shrinking inside the record's own entity: chunks of the longer value must not leak into the shorter one.
        var medium = big.AsSpan(0, 200 * 1024).ToArray();
        var smaller = bigger.AsSpan(0, 100 * 1024 + 3).ToArray();
        token = (await Store.CommitAsync([RecordWrite.Replace(key, medium, token)])).Tokens![key];
        token = (await Store.CommitAsync([RecordWrite.Replace(key, smaller, token)])).Tokens![key];
        Assert.Equal(smaller, (await Store.ReadAsync(key))!.Value);
        token = (await Store.CommitAsync([RecordWrite.Replace(key, big, token)])).Tokens![key];
        Assert.True((await Store.CommitAsync([RecordWrite.Delete(key, token)])).Committed);
        Assert.Null(await Store.ReadAsync(key));
    }

    [Fact]
    public async Task Commit_OverTheRecordLimit_IsRefusedAndChangesNothing()
    {
        var keys = Enumerable.Range(0, Store.Limits.MaxRecordsPerCommit + 1).Select(i => Key("many" + i)).ToList();
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(keys.Select(k => RecordWrite.Insert(k, [1])).ToList()));
        Assert.Null(await Store.ReadAsync(keys[0]));
    }

    /// <summary>The store takes what its limits promise: a commit of exactly the record limit, all or nothing.</summary>
    [Fact]
    public async Task Commit_AtTheRecordLimit_AppliesAllOrNothing()
    {
        var limit = Store.Limits.MaxRecordsPerCommit;
        var prefix = Key("full");
        var keys = Enumerable.Range(0, limit).Select(i => prefix + i).ToList();
        var taken = keys[limit / 2];
        await Store.CommitAsync([RecordWrite.Insert(taken, [9])]);

        // One insert of a key that exists: none of the others lands.
        var refused = await Store.CommitAsync(keys.Select(k => RecordWrite.Insert(k, [1])).ToList());
        Assert.Equal(taken, refused.ConflictKey);
        Assert.Null(await Store.ReadAsync(keys[0]));
        Assert.Null(await Store.ReadAsync(keys[^1]));

        var token = (await Store.ReadAsync(taken))!.Token;
        var writes = keys.Select(k => k == taken ? RecordWrite.Replace(k, [2], token) : RecordWrite.Insert(k, [1])).ToList();
        Assert.True((await Store.CommitAsync(writes)).Committed);
        Assert.Equal(limit, (await Store.ListKeysAsync(prefix)).Count);
        Assert.Equal([2], (await Store.ReadAsync(taken))!.Value);
    }

    [Fact]
    public async Task RepeatedTouches_AreOneCondition_OtherRepeatsAreRefused()
    {
        var fence = Key("fence2");
        await Store.CommitAsync([RecordWrite.Insert(fence, [])]);
        var (a, b) = (Key("a"), Key("b"));
        var result = await Store.CommitAsync([RecordWrite.Insert(a, [1]), RecordWrite.Touch(fence), RecordWrite.Insert(b, [2]), RecordWrite.Touch(fence)]);
        Assert.True(result.Committed);
        Assert.Equal([2], (await Store.ReadAsync(b))!.Value);

        var c = Key("c");
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync([RecordWrite.Insert(c, [1]), RecordWrite.Touch(c)]));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync([RecordWrite.Insert(c, [1]), RecordWrite.Insert(c, [2])]));
        Assert.Null(await Store.ReadAsync(c));
    }

    [Fact]
    public async Task ConcurrentCommits_TouchingOneFence_AllLand_AndAllFailWhenItIsGone()
    {
        var fence = Key("shared-fence");
        await Store.CommitAsync([RecordWrite.Insert(fence, [])]);
        var landed = await Task.WhenAll(Enumerable.Range(0, 150).Select(i =>
            Store.CommitAsync([RecordWrite.Insert(Key("held" + i), [(byte)i]), RecordWrite.Touch(fence)])));
        Assert.All(landed, r => Assert.True(r.Committed));

        var token = (await Store.ReadAsync(fence))!.Token;
        Assert.True((await Store.CommitAsync([RecordWrite.Delete(fence, token)])).Committed);
        var others = Enumerable.Range(0, 20).Select(i => Key("free" + i)).ToList();
        var late = Enumerable.Range(0, 60).Select(i => i % 3 == 0
            ? Store.CommitAsync([RecordWrite.Insert(others[i / 3], [1])])
            : Store.CommitAsync([RecordWrite.Insert(Key("late" + i), [1]), RecordWrite.Touch(fence)])).ToList();
        var results = await Task.WhenAll(late);
        Assert.All(results.Where((_, i) => i % 3 != 0), r => Assert.Equal(fence, r.ConflictKey));
        Assert.All(results.Where((_, i) => i % 3 == 0), r => Assert.True(r.Committed));
        Assert.All(await Task.WhenAll(others.Select(k => Store.ReadAsync(k))), Assert.NotNull);
    }

    [Fact]
    public async Task ConcurrentCommits_OneConflictDoesNotSinkTheOthers()
    {
        var contested = Key("contested");
        var token = (await Store.CommitAsync([RecordWrite.Insert(contested, [0])])).Tokens![contested];
        var commits = Enumerable.Range(0, 200).Select(i => i % 20 == 0
            ? Store.CommitAsync([RecordWrite.Replace(contested, [(byte)i], token)])
            : Store.CommitAsync([RecordWrite.Insert(Key("n" + i), [(byte)i])])).ToList();
        var results = await Task.WhenAll(commits);

        Assert.Equal(1, results.Where((r, i) => i % 20 == 0).Count(r => r.Committed));
        Assert.All(results.Where((r, i) => i % 20 != 0), r => Assert.True(r.Committed));
    }
}

public sealed class MemoryTreeStoreTests : TreeStoreContract
{
    protected override ITreeStore Store { get; } = new MemoryTreeStore();
}

public sealed class AzureTableTreeStoreTests : TreeStoreContract
{
    public AzureTableTreeStoreTests() => Fixtures.Azurite.Require();

    protected override ITreeStore Store { get; } = new AzureTableTreeStore(Fixtures.Azurite.ConnectionString, "storecontract");
}
