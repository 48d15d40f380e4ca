using System.Reflection;
using OrleansCoord.Client;
using OrleansCoord.SessionLayer;
using OrleansCoord.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

/// <summary>The SDK's watch resync against watch shards that lose it while another shard cannot be reached: a shard
/// that forgot the client is reported as a miss even when the renewal that found it failed elsewhere. Shards are faked
/// (a grain factory that hands out shard fakes) so that both happen in one renewal, which a real cluster does only by
/// chance in a silo's failover.</summary>
public sealed class WatchHubRenewalTests
{
    private static readonly Func<string, Task<Stat?>> NothingThere = _ => Task.FromResult<Stat?>(null);

    [Fact]
    public async Task AShardThatForgotTheClient_IsStillReportedAsAMiss_WhenTheRenewalThatFoundItFailedOnAnotherShard()
    {
        var shards = new FakeShards();
        var hub = new WatchHub(FakeGrainFactory.Create(shards), () => 1);
        await using var watch = await hub.AddAsync(new Watcher("/", WatchKind.PersistentRecursive, _ => { }));
        Assert.False(await hub.ResyncAsync(renewSubscriptions: false, NothingThere, CancellationToken.None));

        // In one renewal: shard 3 came back on another silo without the client, shard 5's silo cannot be reached.
        shards.Reactivate(3);
        shards.Unreachable = 5;
        await Assert.ThrowsAsync<TimeoutException>(() => hub.ResyncAsync(renewSubscriptions: false, NothingThere, CancellationToken.None));

        shards.Unreachable = null;
        Assert.True(await hub.ResyncAsync(renewSubscriptions: false, NothingThere, CancellationToken.None));
        Assert.False(await hub.ResyncAsync(renewSubscriptions: false, NothingThere, CancellationToken.None));
    }

    /// <summary>Every shard's registration state: an epoch per shard, whom it holds, and one shard that fails.</summary>
    public sealed class FakeShards
    {
        private readonly Guid[] _epochs = [.. Enumerable.Range(0, WatchStreams.Shards).Select(_ => Guid.NewGuid())];
        private readonly HashSet<(int Shard, IWatchObserver Observer)> _subscribed = [];

        public int? Unreachable { get; set; }

        /// <summary>A new activation of the shard: a new epoch, nobody registered.</summary>
        public void Reactivate(int shard)
        {
            lock (_subscribed)
            {
                _epochs[shard] = Guid.NewGuid();
                _subscribed.RemoveWhere(s => s.Shard == shard);
            }
        }

        public Task<ShardRegistration> Subscribe(int shard, IWatchObserver observer)
        {
            if (Unreachable == shard) return Task.FromException<ShardRegistration>(new TimeoutException($"shard {shard} unreachable"));
            lock (_subscribed) return Task.FromResult(new ShardRegistration(_epochs[shard], !_subscribed.Add((shard, observer))));
        }

        public Task Unsubscribe(int shard, IWatchObserver observer)
        {
            lock (_subscribed) _subscribed.Remove((shard, observer));
            return Task.CompletedTask;
        }
    }

    private sealed class FakeShard(FakeShards shards, int shard) : IWatchShardGrain
    {
        public Task<ShardRegistration> Subscribe(IWatchObserver observer) => shards.Subscribe(shard, observer);

        public Task Unsubscribe(IWatchObserver observer) => shards.Unsubscribe(shard, observer);
    }

    /// <summary>An <see cref="IGrainFactory"/> that answers only what the watch registrations ask: a shard by number,
    /// and an observer reference (the observer itself, called in-process).</summary>
    public class FakeGrainFactory : DispatchProxy
    {
        private FakeShards _shards = null!;

        internal static IGrainFactory Create(FakeShards shards)
        {
            var factory = Create<IGrainFactory, FakeGrainFactory>();
            ((FakeGrainFactory)(object)factory)._shards = shards;
            return factory;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args) => method?.Name switch
        {
            "GetGrain" when args is [long shard, ..] && method.ReturnType == typeof(IWatchShardGrain) => new FakeShard(_shards, (int)shard),
            "CreateObjectReference" when args is [IWatchObserver observer] => observer,
            _ => throw new NotSupportedException($"{method?.Name} is not faked"),
        };
    }
}
