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

    /// <summary>How many Azure queues the watch streams are spread over.</summary>
    public const int AzureQueueCount = 8;

    /// <summary>
    /// Watch event streams (pub-sub state in the <c>PubSubStore</c> grain storage, which the caller adds).
    /// Azure queues are named <c>coordwatch-&lt;service id&gt;-N</c> in the storage of <paramref name="connectionString"/>.
    /// </summary>
    public static ISiloBuilder AddCoordWatchStreams(this ISiloBuilder silo, WatchStreamKind kind = WatchStreamKind.Memory,
        string? connectionString = null)
    {
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
