using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Watches;

namespace OrleansCoord.Storage.AzureStorage.Hosting;

/// <summary>The AzureStorage profile's parts of a silo: the tree on Azure Table storage, watch events on Azure queues.</summary>
public static class SiloBuilderAzureStorageExtensions
{
    /// <summary>How often each Azure queue is polled for new events (a poll is a storage request).</summary>
    public static readonly TimeSpan AzureQueuePollPeriod = TimeSpan.FromMilliseconds(50);

    /// <summary>How many Azure queues the watch streams are spread over.</summary>
    public const int AzureQueueCount = 8;

    /// <summary>
    /// The tree store for the <see cref="StorageProfile.AzureStorage"/> profile: <see cref="AzureTableTreeStore"/> on the
    /// grid options' connection string and table, made when a silo whose options name that profile first needs it.
    /// </summary>
    public static ISiloBuilder AddAzureTableTreeStore(this ISiloBuilder silo)
    {
        silo.Services.AddKeyedSingleton<TreeStoreFactory>(StorageProfile.AzureStorage,
            (_, _) => options => new AzureTableTreeStore(options.ConnectionString, options.TableName));
        return silo;
    }

    /// <summary>
    /// Watch events on Orleans Azure Queue streams to the watch shards (<see cref="WatchStreamKind.AzureQueue"/>; pub-sub
    /// state in the <c>PubSubStore</c> grain storage, which the caller adds), named <c>coordwatch-&lt;service id&gt;-N</c>
    /// in the storage of <paramref name="connectionString"/>; with the grid's own watch delivery
    /// (<see cref="SiloBuilderWatchStreamExtensions.AddCoordWatchStreams"/>).
    /// </summary>
    public static ISiloBuilder AddAzureQueueWatchStreams(this ISiloBuilder silo, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        silo.AddCoordWatchStreams();
        silo.AddAzureQueueStreams(WatchStreams.ProviderName, streams =>
        {
            streams.ConfigureAzureQueue(queue => queue.Configure<IOptions<ClusterOptions>>((options, cluster) =>
            {
                options.QueueServiceClient = new global::Azure.Storage.Queues.QueueServiceClient(connectionString);
                options.QueueNames = [.. Enumerable.Range(0, AzureQueueCount).Select(i => QueueName(cluster.Value.ServiceId, i))];
            }));
            streams.ConfigurePullingAgent(agent => agent.Configure(options => options.GetQueueMsgsTimerPeriod = AzureQueuePollPeriod));
        });
        return silo;
    }

    /// <summary>A valid queue name (lower-case letters, digits and single dashes, at most 63 characters).</summary>
    public static string QueueName(string serviceId, int index)
    {
        var service = new string([.. serviceId.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);
        return $"coordwatch-{service[..Math.Min(service.Length, 40)]}-{index}";
    }
}
