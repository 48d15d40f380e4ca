using Azure.Data.Tables;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Storage.AzureStorage.Hosting;
using OrleansCoord.Storage.Postgres.Hosting;

namespace OrleansCoord.Silo.Hosting;

/// <summary>Clustering, grain storage and streams for each storage profile.</summary>
public static class SiloBuilderStorageExtensions
{
    /// <summary>Grain storage that Orleans' stream pub/sub keeps its subscriptions in.</summary>
    public const string PubSubStoreName = "PubSubStore";

    /// <summary>
    /// AzureStorage: Azure Table clustering and grain storage on one connection string. Postgres: the tree and ADO.NET
    /// clustering on PostgreSQL, grain storage (stream pub/sub only) in memory (docs/adr/012). Memory: localhost
    /// clustering (this silo is its own primary) and in-memory storage. All carry watch events on memory streams;
    /// AzureStorage on Azure queues when asked.
    /// </summary>
    public static ISiloBuilder UseCoordStorage(this ISiloBuilder silo, SiloHostOptions options)
    {
        var storage = options.Storage;
        var endpoints = options.Endpoints;
        if (storage.Profile == StorageProfile.AzureStorage)
        {
            // One client for all three (it is thread-safe and pools connections), made when the silo starts.
            var tables = new Lazy<TableServiceClient>(() => new TableServiceClient(storage.ConnectionString));
            silo.UseAzureStorageClustering(o => o.TableServiceClient = tables.Value);
            silo.AddAzureTableGrainStorageAsDefault(o => o.TableServiceClient = tables.Value);
            silo.AddAzureTableGrainStorage(PubSubStoreName, o => o.TableServiceClient = tables.Value);
            silo.AddAzureTableTreeStore();
        }
        else if (storage.Profile == StorageProfile.Postgres)
        {
            // Grain storage holds only the memory streams' subscriptions, which live no longer than the streams' events:
            // docs/adr/012 says what a silo's death costs and what a durable store for them would take.
            silo.UsePostgresStorage(storage.ConnectionString, CoordGridOptions.TableNameFor(options.Cluster.ServiceId));
            silo.AddMemoryGrainStorageAsDefault();
            silo.AddMemoryGrainStorage(PubSubStoreName);
        }
        else
        {
            // The primary is this silo itself: a Memory silo is a cluster of one, like its state.
            var self = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, endpoints.SiloPort);
            silo.UseLocalhostClustering(endpoints.SiloPort, endpoints.GatewayPort, self, options.Cluster.ServiceId, options.Cluster.ClusterId);
            silo.AddMemoryGrainStorageAsDefault();
            silo.AddMemoryGrainStorage(PubSubStoreName);
        }

        if (storage.WatchStreams == WatchStreamKind.AzureQueue) silo.AddAzureQueueWatchStreams(storage.ConnectionString);
        else silo.AddCoordWatchStreams();
        return silo;
    }
}
