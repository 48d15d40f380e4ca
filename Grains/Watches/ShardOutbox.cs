using OrleansCoord.Watches;

namespace OrleansCoord.Grains.Watches;

/// <summary>
/// The events of one watch shard waiting to go to the shard grain from this silo: one call in flight per shard, and
/// whatever the znode grains hand in meanwhile goes together in the next call. Each caller's task completes only when
/// the call that carried its events has completed, so a write is still acknowledged after its events reached the shard.
/// </summary>
/// <remarks>
/// Why: at 200 outstanding sets under one parent (one shard) every set made a call of its own to the shard grain;
/// publishing turned off, the silo spent 17–36% less CPU per set, with this outbox a median 16% less
/// (docs/BENCHMARKS.md, PostgreSQL, "What limits set and delete"). Order: events go out in the order they were handed
/// in, and a znode grain hands in a batch's events only after its previous batch's publish completed, so each znode's
/// events keep their revision order, as with a call per batch.
/// </remarks>
internal sealed class ShardOutbox(int shard, Func<int, IReadOnlyList<WatchEvent>, Task> send)
{
    private readonly Lock _lock = new();
    private List<WatchEvent> _pending = [];
    private TaskCompletionSource? _pendingSent;
    private bool _sending;

    /// <summary>Sends <paramref name="events"/>: right away when no call of this shard is in flight, else with the
    /// next call. The task completes when the call carrying them has completed (and fails with that call's error).</summary>
    public Task EnqueueAsync(IReadOnlyList<WatchEvent> events)
    {
        lock (_lock)
        {
            if (_sending)
            {
                _pending.AddRange(events);
                return (_pendingSent ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            _sending = true;
        }

        // Nothing in flight: the call goes out now, from the caller's flow, exactly as a call per batch did (a single
        // writer, such as the parent of a delete batch, waits for no hop). What gathers meanwhile goes from the loop.
        Task call;
        try
        {
            call = send(shard, events);
        }
        catch (Exception exception)
        {
            call = Task.FromException(exception);
        }

        using (SuppressedFlow())
        {
            call.ContinueWith(static (_, outbox) => ((ShardOutbox)outbox!).SendPending(), this, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return call;
    }

    // The loop runs outside every caller's async flow: its calls carry no writer's request context (a credential must
    // not reach the watchers) and run on no grain's scheduler.
    private void SendPending()
    {
        lock (_lock)
        {
            if (_pending.Count == 0)
            {
                _sending = false;
                return;
            }
        }

        using (SuppressedFlow()) _ = Task.Run(SendLoopAsync);
    }

    private static AsyncFlowControl? SuppressedFlow() => ExecutionContext.IsFlowSuppressed() ? null : ExecutionContext.SuppressFlow();

    private async Task SendLoopAsync()
    {
        while (true)
        {
            List<WatchEvent> events;
            TaskCompletionSource sent;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _sending = false;
                    return;
                }

                (events, sent, _pending, _pendingSent) = (_pending, _pendingSent!, [], null);
            }

            try
            {
                await send(shard, events);
                sent.TrySetResult();
            }
            catch (Exception exception)
            {
                sent.TrySetException(exception);
            }
        }
    }
}
