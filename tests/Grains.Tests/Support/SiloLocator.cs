using Orleans.Runtime;
using Orleans.TestingHost;

namespace OrleansCoord.Grains.Tests.Support;

/// <summary>Finds the silo that hosts a grain, so a test can kill exactly that one.</summary>
public static class SiloLocator
{
    public static async Task<SiloHandle?> HostOfAsync(TestCluster cluster, IAddressable grain)
    {
        var address = await cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
        return cluster.Silos.FirstOrDefault(s => s.SiloAddress.Equals(address));
    }

    /// <summary>The host of the grain when it is not the primary silo (which holds the test membership table).</summary>
    public static async Task<SiloHandle?> KillableHostOfAsync(TestCluster cluster, IAddressable grain)
    {
        var host = await HostOfAsync(cluster, grain);
        return host is null || host == cluster.Primary ? null : host;
    }
}
