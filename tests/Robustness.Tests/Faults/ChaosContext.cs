using Orleans.TestingHost;
using OrleansCoord.Robustness.Tests.Cluster;

namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>What a fault may act on: the cluster, its storage, the run's layout, its random source and log, and the
/// session that is abandoned at the first fault.</summary>
public sealed record ChaosContext(TestCluster Cluster, OwnAzurite Azurite, string TableName, ChaosLayout Layout, Random Random, ChaosLog Log)
{
    public long DoomedSession { get; set; }

    /// <summary>How many faults ran before this one.</summary>
    public int FaultsSoFar { get; set; }
}
