using Orleans.Runtime;
using Orleans.Streams;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Watches;

namespace OrleansCoord.Grains.Tests;

/// <summary>
/// Azure queue streams take the publisher's request context along to every consumer: a watch event must not carry the
/// writer's credential (its session secret) to whoever watches (docs/adr/013-identities.md).
/// </summary>
public sealed class WatchCredentialTests(AzureQueueWatchClusterFixture fixture) : IClassFixture<AzureQueueWatchClusterFixture>
{
    [Fact]
    public async Task WatchEvent_OnAzureQueueStreams_DoesNotCarryTheWritersCredential()
    {
        await using var writer = await fixture.ConnectAsync();
        await writer.AddAuthAsync("digest", "alice:secret");
        var path = $"/watch-credential-{Guid.NewGuid():N}";
        var delivered = new TaskCompletionSource<(WatchEvent Event, object? Context)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = fixture.Cluster.Client.GetStreamProvider(WatchStreams.ProviderName)
            .GetStream<WatchEvent>(StreamId.Create(WatchStreams.Namespace, WatchStreams.ShardOf(path)));
        var subscription = await stream.SubscribeAsync((e, _) =>
        {
            // What the consumer's call context holds while it handles the event.
            if (e.Path == path) delivered.TrySetResult((e, RequestContext.Get("coord.auth")));
            return Task.CompletedTask;
        });
        try
        {
            await writer.CreateAsync(path, [1]);
            var (seen, context) = await delivered.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(WatchEventType.NodeCreated, seen.Type);
            Assert.Null(context);
        }
        finally
        {
            await subscription.UnsubscribeAsync();
        }
    }
}
