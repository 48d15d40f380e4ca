using Orleans.TestingHost;
using OrleansCoord.Robustness.Tests.Cluster;

namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>What a fault may act on: the cluster, its storage, the run's layout, its random source and log.</summary>
public sealed record ChaosContext(TestCluster Cluster, OwnAzurite Azurite, string TableName, ChaosLayout Layout, Random Random, ChaosLog Log);
