using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansCoord.Grains.Watches;
using OrleansCoord.Watches;

namespace OrleansCoord.Grains.Hosting;

/// <summary>How watch events reach their watchers, as every silo of the grid has it (docs/adr/014-watch-delivery.md).</summary>
public static class SiloBuilderWatchStreamExtensions
{
    /// <summary>How often each Azure queue is polled for new events (a poll is a storage request).</summary>
    public static readonly TimeSpan AzureQueuePollPeriod = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How long a gateway keeps a client whose connection closed before dropping it (Orleans' <c>ClientDropTimeout</c>,
    /// 1 min by default; the gateway checks once per this period, so a client goes 1-2 periods after its connection).
    /// Until then the gateway queues what is sent to the dead client; a watch shard's delivery to it waits meanwhile,
    /// which holds up only that client's own bounded queue (<see cref="CoordGridOptions.WatchQueueLimit"/>), and once it is dropped the
    /// delivery fails and the shard forgets it. (With Orleans streams, a dead subscriber held up every subscriber of a
    /// queue until this drop: docs/adr/006.) A client that reconnects later than this loses what was sent meanwhile
    /// and its shard registrations, which its watch resync renews.
    /// </summary>
    public static readonly TimeSpan DeadClientDropTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How many Azure queues the watch streams are spread over.</summary>
    public const int AzureQueueCount = 8;

    /// <summary>
    /// Watch event delivery: znode grains push their changes to the shard grains, which push them on to their
    /// subscribers (<see cref="WatchStreamKind.Memory"/>, no stream at all); or, with <see cref="WatchStreamKind.AzureQueue"/>,
    /// the changes travel on Azure queue streams to the shard grains (pub-sub state in the <c>PubSubStore</c> grain
    /// storage, which the caller adds), named <c>coordwatch-&lt;service id&gt;-N</c> in the storage of
    /// <paramref name="connectionString"/>. Also the gateways' <see cref="DeadClientDropTimeout"/>.
    /// </summary>
    public static ISiloBuilder AddCoordWatchStreams(this ISiloBuilder silo, WatchStreamKind kind = WatchStreamKind.Memory,
        string? connectionString = null)
    {
        silo.Configure<SiloMessagingOptions>(messaging => messaging.ClientDropTimeout = DeadClientDropTimeout);
        silo.Services.AddSingleton<WatchDeliveryMarker>();
        if (kind == WatchStreamKind.Memory) return silo;

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
