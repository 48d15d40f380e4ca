using Orleans.Runtime;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Watches;

namespace OrleansCoord.Grains.Tests;

/// <summary>
/// A watch shard pushes events on from the publisher's call (or, with Azure queue streams, from the queue, which takes
/// the publisher's request context along): a watch event must not carry the writer's credential (its session secret)
/// to whoever watches (docs/adr/013-identities.md, docs/adr/014-watch-delivery.md).
/// </summary>
public sealed class WatchCredentialTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public Task WatchEvent_PushedByTheShard_DoesNotCarryTheWritersCredential() => WatchCredentialCheck.RunAsync(fixture);
}

/// <summary>The same with the events on Azure queue streams on their way to the shard.</summary>
public sealed class AzureQueueWatchCredentialTests(AzureQueueWatchClusterFixture fixture) : IClassFixture<AzureQueueWatchClusterFixture>
{
    [Fact]
    public Task WatchEvent_OnAzureQueueStreams_DoesNotCarryTheWritersCredential() => WatchCredentialCheck.RunAsync(fixture);
}

internal static class WatchCredentialCheck
{
    public static async Task RunAsync(ClusterFixture fixture)
    {
        await using var writer = await fixture.ConnectAsync();
        await writer.AddAuthAsync("digest", "alice:secret");
        var path = $"/watch-credential-{Guid.NewGuid():N}";
        var observer = new ContextObserver(path);
        var reference = fixture.Cluster.Client.CreateObjectReference<IWatchObserver>(observer);
        var shard = fixture.Cluster.Client.GetGrain<IWatchShardGrain>(WatchStreams.ShardOf(path));
        await shard.Subscribe(reference);
        try
        {
            await writer.CreateAsync(path, [1]);
            var (seen, context) = await observer.Delivered.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(WatchEventType.NodeCreated, seen.Type);
            Assert.Null(context);
        }
        finally
        {
            await shard.Unsubscribe(reference);
        }
    }

    private sealed class ContextObserver(string path) : IWatchObserver
    {
        public TaskCompletionSource<(WatchEvent Event, object? Context)> Delivered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task OnWatchEvents(WatchBatch batch)
        {
            // What the observer's call context holds while it handles the event.
            foreach (var e in batch.Events)
            {
                if (e.Path == path) Delivered.TrySetResult((e, RequestContext.Get("coord.auth")));
            }

            return Task.CompletedTask;
        }
    }
}
