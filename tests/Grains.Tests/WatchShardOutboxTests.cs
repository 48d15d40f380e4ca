using Orleans.Runtime;
using OrleansCoord.Grains.Watches;
using OrleansCoord.Watches;

namespace OrleansCoord.Grains.Tests;

/// <summary>
/// A silo's outbox of one watch shard (<see cref="ShardOutbox"/>): one call to the shard in flight, the events handed in
/// meanwhile together and in order in the next call, and a caller's task complete only when the call that carried its
/// events has completed (a write is acknowledged after its events reached the shard, docs/adr/014-watch-delivery.md).
/// </summary>
public sealed class WatchShardOutboxTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static WatchEvent Set(string path, long revision) => new(WatchEventType.NodeDataChanged, path, revision);

    /// <summary>Records every call; each call waits until the test releases it.</summary>
    private sealed class FakeShard
    {
        private readonly SemaphoreSlim _started = new(0);
        public List<(int Shard, List<WatchEvent> Events, TaskCompletionSource Done)> Calls { get; } = [];
        public List<object?> Contexts { get; } = [];

        public Task Send(int shard, IReadOnlyList<WatchEvent> events)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (Calls)
            {
                Calls.Add((shard, events.ToList(), done));
                Contexts.Add(RequestContext.Get("coord.auth"));
            }

            _started.Release();
            return done.Task;
        }

        public async Task<(int Shard, List<WatchEvent> Events, TaskCompletionSource Done)> NextCallAsync(int index)
        {
            Assert.True(await _started.WaitAsync(Patience), $"call {index + 1} was not made");
            lock (Calls) return Calls[index];
        }
    }

    [Fact]
    public async Task EventsHandedInWhileACallIsInFlight_GoTogetherInOrder_AndCompleteOnlyWithTheirCall()
    {
        var shard = new FakeShard();
        var outbox = new ShardOutbox(7, shard.Send);

        var first = outbox.EnqueueAsync([Set("/p/a", 1)]);
        var call1 = await shard.NextCallAsync(0);
        var second = outbox.EnqueueAsync([Set("/p/b", 2)]);
        var third = outbox.EnqueueAsync([Set("/p/c", 3), Set("/p/b", 4)]);
        Assert.False(first.IsCompleted);

        call1.Done.SetResult();
        await first.WaitAsync(Patience);
        var call2 = await shard.NextCallAsync(1);
        Assert.Equal(7, call2.Shard);
        Assert.Equal(["/p/b", "/p/c", "/p/b"], call2.Events.Select(e => e.Path));
        Assert.Equal([2L, 3L, 4L], call2.Events.Select(e => e.Revision));
        Assert.False(second.IsCompleted);
        Assert.False(third.IsCompleted);

        call2.Done.SetResult();
        await Task.WhenAll(second, third).WaitAsync(Patience);
        lock (shard.Calls) Assert.Equal(2, shard.Calls.Count);
    }

    [Fact]
    public async Task AFailedCall_FailsTheEventsItCarried_AndTheNextCallGoesOut()
    {
        var shard = new FakeShard();
        var outbox = new ShardOutbox(1, shard.Send);

        var failed = outbox.EnqueueAsync([Set("/q/a", 1)]);
        (await shard.NextCallAsync(0)).Done.SetException(new TimeoutException("shard gone"));
        await Assert.ThrowsAsync<TimeoutException>(() => failed.WaitAsync(Patience));

        var next = outbox.EnqueueAsync([Set("/q/a", 2)]);
        var call2 = await shard.NextCallAsync(1);
        Assert.Equal([2L], call2.Events.Select(e => e.Revision));
        call2.Done.SetResult();
        await next.WaitAsync(Patience);
    }

    [Fact]
    public async Task TheGatheredCall_CarriesNoneOfItsCallersRequestContext()
    {
        // The first call goes out from its caller's flow, as a call per batch did (the publisher clears the caller's
        // credential before); a call of gathered events is made by the outbox and carries no caller's context.
        var shard = new FakeShard();
        var outbox = new ShardOutbox(3, shard.Send);
        var first = outbox.EnqueueAsync([Set("/r/a", 1)]);
        var call1 = await shard.NextCallAsync(0);

        Task gathered;
        RequestContext.Set("coord.auth", "the writer's credential");
        try
        {
            gathered = outbox.EnqueueAsync([Set("/r/b", 2)]);
        }
        finally
        {
            RequestContext.Remove("coord.auth");
        }

        call1.Done.SetResult();
        (await shard.NextCallAsync(1)).Done.SetResult();
        await Task.WhenAll(first, gathered).WaitAsync(Patience);
        lock (shard.Calls) Assert.Null(shard.Contexts[1]);
    }
}
