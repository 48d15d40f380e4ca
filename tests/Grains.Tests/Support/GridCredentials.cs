using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansCoord.Grains.Identities;

namespace OrleansCoord.Grains.Tests.Support;

/// <summary>The grid's own credential issuer, taken from a silo of an in-process test cluster, for tests that must act
/// as a session's holder without its client (every silo of a grid issues the same credentials).</summary>
public static class GridCredentials
{
    public static CallerCredentials Of(TestCluster cluster)
    {
        var silo = cluster.Silos.OfType<InProcessSiloHandle>().First();
        return silo.SiloHost?.Services.GetRequiredService<CallerCredentials>()
            ?? throw new InvalidOperationException("the test cluster's silo has no host");
    }
}
