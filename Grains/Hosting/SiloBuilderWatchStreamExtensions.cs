using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansCoord.Watches;

namespace OrleansCoord.Grains.Hosting;

/// <summary>The streams that carry watch events, as every silo of the grid has them.</summary>
public static class SiloBuilderWatchStreamExtensions
{
    /// <summary>
    /// How often each memory stream queue is polled for new events. Orleans' pulling agents drain a queue and then
    /// sleep until the next tick, so this bounds the set-to-notification latency (its default, 100 ms, made every
    /// notification take ~100 ms); each tick costs one call per queue.
    /// </summary>
    public static readonly TimeSpan MemoryPollPeriod = TimeSpan.FromMilliseconds(5);

    /// <summary>The same for Azure queues, where a poll is a storage request.</summary>
    public static readonly TimeSpan AzureQueuePollPeriod = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How long a gateway keeps a client whose connection closed before dropping it (Orleans' <c>ClientDropTimeout</c>,
    /// 1 min by default; the gateway checks once per this period, so a client goes 1-2 periods after its connection).
    /// A dead client's stream subscriptions stay in the pub-sub. When a pulling agent starts carrying a shard (its
    /// first event since the agent started, or since the shard was idle), it shakes hands with every subscriber and
    /// pauses its queue's reads until all have answered; a call to a disconnected, not yet dropped client waits at the
    /// gateway for the response timeout, retried for the agent's MaxEventDeliveryTime, then an error is delivered
    /// the same way: ~95 s in which every shard of that queue was silent for all clients. Once the client is
    /// dropped the calls fail at once with ClientNotAvailableException, and the agent unregisters its subscription
    /// (except a call that reaches the gateway just as it drops the client: that one still waits one response timeout).
    /// Only a closed connection counts (a slow client keeps its socket): a client that reconnects later than this
    /// loses what was sent meanwhile and may lose shard subscriptions, which its watch resync renews (docs/adr/006).
    /// </summary>
    public static readonly TimeSpan DeadClientDropTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How many Azure queues the watch streams are spread over.</summary>
    public const int AzureQueueCount = 8;

    /// <summary>
    /// Watch event streams (pub-sub state in the <c>PubSubStore</c> grain storage, which the caller adds), and the
    /// gateways' <see cref="DeadClientDropTimeout"/> that keeps a dead subscriber from stalling them.
    /// Azure queues are named <c>coordwatch-&lt;service id&gt;-N</c> in the storage of <paramref name="connectionString"/>.
    /// </summary>
    public static ISiloBuilder AddCoordWatchStreams(this ISiloBuilder silo, WatchStreamKind kind = WatchStreamKind.Memory,
        string? connectionString = null)
    {
        silo.Configure<SiloMessagingOptions>(messaging => messaging.ClientDropTimeout = DeadClientDropTimeout);
        if (kind == WatchStreamKind.Memory)
        {
            silo.AddMemoryStreams(WatchStreams.ProviderName, streams => streams.ConfigurePullingAgent(PollEvery(MemoryPollPeriod)));
            return silo;
        }

        var connection = connectionString ?? throw new ArgumentNullException(nameof(connectionString), "Azure Queue watch streams need a connection string");
        silo.AddAzureQueueStreams(WatchStreams.ProviderName, streams =>
        {
            streams.ConfigureAzureQueue(queue => queue.Configure<IOptions<ClusterOptions>>((options, cluster) =>
            {
                options.QueueServiceClient = new Azure.Storage.Queues.QueueServiceClient(connection);
                options.QueueNames = [.. Enumerable.Range(0, AzureQueueCount).Select(i => QueueName(cluster.Value.ServiceId, i))];
            }));
            streams.ConfigurePullingAgent(PollEvery(AzureQueuePollPeriod));
        });
        return silo;
    }

    /// <summary>A valid queue name (lower-case letters, digits and single dashes, at most 63 characters).</summary>
    public static string QueueName(string serviceId, int index)
    {
        var service = new string([.. serviceId.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);
        return $"coordwatch-{service[..Math.Min(service.Length, 40)]}-{index}";
    }

    private static Action<OptionsBuilder<StreamPullingAgentOptions>> PollEvery(TimeSpan period) =>
        agent => agent.Configure(options => options.GetQueueMsgsTimerPeriod = period);
}
