using Orleans.Runtime;
using OrleansCoord.Watches;

namespace OrleansCoord.Grains.Watches;

/// <summary>
/// One subscriber of a watch shard: a bounded queue and at most one batch in flight to it, so a subscriber that is slow
/// or dead holds up only its own queue. A queue that would grow past its limit (<c>CoordGridOptions.WatchQueueLimit</c>) is emptied and the next
/// batch says <see cref="WatchBatch.Lost"/> (the subscriber resyncs by revision: coalesced, never lost). Runs on the
/// shard grain's scheduler: no locks.
/// </summary>
internal sealed class ShardSubscriber(IWatchObserver observer, int limit)
{
    private List<WatchEvent> _queued = [];
    private bool _lost;
    private bool _sending;

    public IWatchObserver Observer => observer;

    /// <summary>Unsubscribed or failed: nothing more is sent.</summary>
    public bool Gone { get; set; }

    /// <summary>Queues <paramref name="events"/>; true when no batch is in flight, so the caller starts <see cref="SendAsync"/>.</summary>
    public bool Enqueue(IReadOnlyList<WatchEvent> events)
    {
        if (_queued.Count + events.Count > limit)
        {
            WatchMeter.RecordDropped(_queued.Count + events.Count);
            _queued = [];
            _lost = true;
        }
        else
        {
            _queued.AddRange(events);
        }

        if (_sending) return false;
        _sending = true;
        return true;
    }

    /// <summary>Sends what is queued, one batch at a time, until the queue is empty; false when a delivery failed
    /// (the subscriber is gone, or did not answer within the response timeout).</summary>
    public async Task<bool> SendAsync(int shard, Guid epoch)
    {
        // The request context of the publish (a writer's, or a queue's) must not travel on to the subscribers.
        RequestContext.Clear();
        try
        {
            while (!Gone && (_queued.Count > 0 || _lost))
            {
                var batch = new WatchBatch(shard, epoch, _queued, _lost);
                _queued = [];
                _lost = false;
                await observer.OnWatchEvents(batch);
                WatchMeter.RecordSent(batch.Events.Count);
                if (batch.Lost) WatchMeter.RecordResync();
            }

            return true;
        }
        catch (Exception)
        {
            Gone = true;
            return false;
        }
        finally
        {
            _sending = false;
        }
    }
}
