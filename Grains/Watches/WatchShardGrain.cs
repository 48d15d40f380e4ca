using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Watches;

namespace OrleansCoord.Grains.Watches;

/// <summary>
/// One watch shard (docs/adr/014-watch-delivery.md): the processes subscribed to it, and the push of each event to each
/// of them through a queue of its own (<see cref="ShardSubscriber"/>). Kept active (its subscribers live in memory);
/// when its silo dies, a new activation has a new epoch and none of them, which they find out when they renew.
/// With Azure queue watch streams the events come from the shard's queue stream (an implicit subscription) instead
/// of the publishers' calls.
/// </summary>
[GrainType("watch-shard")]
[KeepAlive]
[ImplicitStreamSubscription(WatchStreams.Namespace)]
internal sealed partial class WatchShardGrain(IOptions<CoordGridOptions> options, ILogger<WatchShardGrain> logger)
    : Grain, IWatchShardGrain, IWatchShardPublisher
{
    private readonly Dictionary<GrainId, ShardSubscriber> _subscribers = [];
    private readonly Guid _epoch = Guid.NewGuid();

    private int Shard => (int)this.GetPrimaryKeyLong();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var queues = ServiceProvider.GetKeyedService<IStreamProvider>(WatchStreams.ProviderName);
        if (queues is null) return;
        await queues.GetStream<WatchEvent>(StreamId.Create(WatchStreams.Namespace, Shard))
            .SubscribeAsync((change, _) =>
            {
                Deliver([change]);
                return Task.CompletedTask;
            });
    }

    public Task<ShardRegistration> Subscribe(IWatchObserver observer)
    {
        var id = observer.GetGrainId();
        var known = _subscribers.ContainsKey(id);
        if (!known) _subscribers[id] = new ShardSubscriber(observer, options.Value.WatchQueueLimit);
        return Task.FromResult(new ShardRegistration(_epoch, known));
    }

    public Task Unsubscribe(IWatchObserver observer)
    {
        if (_subscribers.Remove(observer.GetGrainId(), out var subscriber)) subscriber.Gone = true;
        return Task.CompletedTask;
    }

    public Task Publish(IReadOnlyList<WatchEvent> events)
    {
        Deliver(events);
        return Task.CompletedTask;
    }

    private void Deliver(IReadOnlyList<WatchEvent> events)
    {
        if (events.Count == 0) return;
        foreach (var subscriber in _subscribers.Values)
        {
            if (subscriber.Enqueue(events)) _ = SendAsync(subscriber);
        }
    }

    private async Task SendAsync(ShardSubscriber subscriber)
    {
        if (await subscriber.SendAsync(Shard, _epoch)) return;
        // A dead process (its gateway dropped it), or one that did not answer within the response timeout: forget it.
        // A live one finds out when it renews (WasSubscribed is false then) and resyncs.
        var id = subscriber.Observer.GetGrainId();
        if (_subscribers.TryGetValue(id, out var current) && ReferenceEquals(current, subscriber)) _subscribers.Remove(id);
        LogSubscriberDropped(logger, Shard, id);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Watch shard {Shard}: delivery to {Subscriber} failed; subscriber dropped")]
    private static partial void LogSubscriberDropped(ILogger logger, int shard, GrainId subscriber);
}
