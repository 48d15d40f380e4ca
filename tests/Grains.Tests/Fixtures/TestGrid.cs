namespace OrleansCoord.Grains.Tests.Fixtures;

/// <summary>The grids the Grains tests' clusters run (<see cref="GridSiloSettings"/>): short periods, a small watch
/// queue limit and a known superuser.</summary>
public static class TestGrid
{
    /// <summary>What a watch shard queues for one subscriber at most in the test grids.</summary>
    public const int WatchQueueLimit = 1_000;

    /// <summary>The <c>user:password</c> whose digest the test grids take as their superuser.</summary>
    public const string SuperUserPassword = "super:test-super-secret";

    /// <summary>The tree on the in-memory store (one store per cluster), watch events pushed by the grid.</summary>
    public static GridSiloSettings InMemory => new() { WatchQueueLimit = WatchQueueLimit, SuperUserPassword = SuperUserPassword };

    /// <summary>The tree on Azurite, one table per service id. The silos keep Orleans' default response timeout, as the
    /// Azurite clusters always have.</summary>
    public static GridSiloSettings OnAzurite(string serviceId) => InMemory with
    {
        TreeConnectionString = Azurite.ConnectionString,
        TableName = Azurite.TableNameFor(serviceId),
        SiloResponseTimeout = null,
    };

    /// <summary>The tree in memory, watch events on Azure queues (Azurite).</summary>
    public static GridSiloSettings WithAzureQueueWatches => InMemory with { WatchQueueConnectionString = Azurite.ConnectionString };
}
