using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Storage.Records;

namespace OrleansCoord.Grains.Tests.Storage;

/// <summary>The record bridge: cached record and token, the epoch rule of loads, and what each policy does on a conflict
/// and on a storage failure (docs/adr/003-atomic-writes.md, item 8).</summary>
public sealed class RecordBridgeTests
{
    private readonly MemoryTreeStore _store = new();
    private readonly string _key = $"test:{Guid.NewGuid():N}";
    private int _retired;

    private RecordBridge<string> Bridge(RecordPolicy policy, ITreeStore? store = null) =>
        new(store ?? _store, _key, "subject", Utf8Codec.Instance, policy, NullLogger.Instance, () => _retired++);

    [Fact]
    public async Task Commit_AdoptsTheNewToken_AndTheNextWriteIsConditionalOnIt()
    {
        var bridge = Bridge(RecordPolicy.Stay);
        Assert.Null(await bridge.LoadAsync());
        Assert.Equal(RecordWriteKind.Insert, bridge.Write("a").Kind);

        Assert.True((await bridge.CommitAsync("a", [bridge.Write("a")])).Committed);
        var stored = await _store.ReadAsync(_key);
        Assert.Equal(("a", stored!.Token), (bridge.Value, bridge.Token));

        var next = bridge.Write("b");
        Assert.Equal((RecordWriteKind.Replace, stored.Token), (next.Kind, next.Token));
        Assert.True((await bridge.CommitAsync("b", [next])).Committed);
        Assert.Equal("b", Encoding.UTF8.GetString((await _store.ReadAsync(_key))!.Value));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Conflict_VoidsTheCache_AndRetiresOnlyWhenThePolicySays(bool retire)
    {
        var bridge = Bridge(new RecordPolicy(ForgetOnFailure: true, RetireOnFailure: false, RetireOnConflict: retire));
        await bridge.CommitAsync("a", [bridge.Write("a")]);
        // Another activation writes behind this one's back.
        var other = Bridge(RecordPolicy.Stay);
        await other.LoadAsync();
        await other.CommitAsync("x", [other.Write("x")]);

        var result = await bridge.CommitAsync("b", [bridge.Write("b")]);
        Assert.Equal(_key, result.ConflictKey);
        Assert.Equal("a", bridge.Value); // the caller decides what a conflict means
        bridge.Conflicted(result.ConflictKey!);

        Assert.Equal((null, null, false), (bridge.Value, bridge.Token, bridge.Loaded));
        Assert.Equal(retire ? 1 : 0, _retired);
        Assert.Equal("x", await bridge.LoadAsync());
    }

    [Fact]
    public async Task StoreFailure_BecomesUnavailable_VoidsTheCache_AndRetiresOnlyWhenThePolicySays()
    {
        var bridge = Bridge(RecordPolicy.RetireOnConflictOnly);
        await bridge.CommitAsync("a", [bridge.Write("a")]);
        _store.BeforeCommit = _ => throw new TreeStoreException("injected");

        var error = await Assert.ThrowsAsync<CoordException>(() => bridge.CommitAsync("b", [bridge.Write("b")]));
        Assert.Equal(CoordErrorCode.SystemError, error.Code);
        Assert.Equal((null, null, false, 0), (bridge.Value, bridge.Token, bridge.Loaded, _retired));

        var doubting = Bridge(RecordPolicy.RetireOnDoubt);
        await Assert.ThrowsAsync<CoordException>(() => doubting.Guard(() => _store.CommitAsync([RecordWrite.Touch(_key)])));
        Assert.Equal(1, _retired);
    }

    [Fact]
    public async Task StoreFailure_UnderKeep_KeepsTheRecord()
    {
        var bridge = Bridge(RecordPolicy.Keep);
        await bridge.CommitAsync("a", [bridge.Write("a")]);
        var token = bridge.Token;
        _store.BeforeCommit = _ => throw new TreeStoreException("injected");

        await Assert.ThrowsAsync<CoordException>(() => bridge.CommitAsync("b", [bridge.Write("b")]));
        Assert.Equal(("a", token, 0), (bridge.Value, bridge.Token, _retired));
    }

    [Fact]
    public async Task Load_OvertakenByACommitOfThisActivation_KeepsTheCommittedRecord()
    {
        await _store.CommitAsync([RecordWrite.Insert(_key, "old"u8.ToArray())]);
        var held = new HeldReads(_store);
        var bridge = Bridge(RecordPolicy.Stay, held);
        var loading = bridge.LoadAsync();
        await held.Reading.Task; // the read has started and waits

        var token = (await _store.ReadAsync(_key))!.Token;
        Assert.True((await bridge.CommitAsync("new", [RecordWrite.Replace(_key, "new"u8.ToArray(), token)])).Committed);
        held.Release.SetResult(); // the read now returns what it saw before the commit: "old"

        Assert.Equal("new", await loading);
        Assert.Equal((await _store.ReadAsync(_key))!.Token, bridge.Token);
    }

    private sealed class Utf8Codec : IRecordCodec<string>
    {
        public static readonly Utf8Codec Instance = new();

        public byte[] Encode(string value) => Encoding.UTF8.GetBytes(value);

        public string Decode(byte[] bytes) => Encoding.UTF8.GetString(bytes);
    }

    /// <summary>A store whose first read takes its snapshot at once and answers only when released.</summary>
    private sealed class HeldReads(ITreeStore inner) : ITreeStore
    {
        private int _reads;

        public TaskCompletionSource Reading { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TreeStoreLimits Limits => inner.Limits;

        public async Task<StoredRecord?> ReadAsync(string key, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(key, cancellationToken);
            if (Interlocked.Increment(ref _reads) > 1) return read;
            Reading.SetResult();
            await Release.Task;
            return read;
        }

        public Task<List<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListKeysAsync(prefix, cancellationToken);

        public Task<CommitResult> CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken = default) =>
            inner.CommitAsync(writes, cancellationToken);
    }
}
