using Orleans.TestingHost;
using OrleansCoord.Robustness.Tests.Cluster;

namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>What a fault may act on: the grid, its storage, the run's layout, its random source and log, and the
/// session that is abandoned at the first fault.</summary>
public sealed record ChaosContext(IChaosGrid Grid, AzuriteProcess Azurite, ChaosLayout Layout, Random Random, ChaosLog Log)
{
    public long DoomedSession { get; set; }

    /// <summary>
    /// How long the whole grid was down (its only silo killed and not yet back): no session can expire then, so the
    /// expiry bound of the abandoned session's ephemerals is counted without it.
    /// </summary>
    public TimeSpan GridDowntime { get; set; }

    /// <summary>How many faults ran before this one.</summary>
    public int FaultsSoFar { get; set; }

    /// <summary>The in-process silos, for the faults that act on them.</summary>
    public TestCluster Cluster => (Grid as TestClusterGrid)?.Cluster ?? throw new InvalidOperationException("this fault needs in-process silos");

    public string TableName => Grid.TableName;
}
