using OrleansCoord.Client;

namespace OrleansCoord.Robustness.Tests.Cluster;

/// <summary>The grid a fault run talks to: in-process silos (<see cref="TestClusterGrid"/>) or silo processes
/// (<see cref="SiloProcessGrid"/>).</summary>
public interface IChaosGrid
{
    string ClusterId { get; }

    /// <summary>The Azure table that holds the tree.</summary>
    string TableName { get; }

    /// <summary>Opens a session (10 s unless given).</summary>
    Task<CoordClient> ConnectAsync(TimeSpan? sessionTimeout = null);

    Task StopAsync();
}
