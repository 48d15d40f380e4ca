using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Recipes;

namespace OrleansCoord.Grains.Tests.Recipes;

/// <summary>Looks into a recipe grain directly: its holders, its queue, its activation.</summary>
internal static class LeaseProbe
{
    public static ILeaseGrain Grain(ClusterFixture fixture, LeaseKind kind, string name) =>
        fixture.Cluster.Client.GetGrain<ILeaseGrain>(RecipeLimits.GrainKey(kind, name));

    public static Task<LeaseView> ViewAsync(ClusterFixture fixture, LeaseKind kind, string name) =>
        Grain(fixture, kind, name).Observe(-1, -1, 0);

    /// <summary>Waits until <paramref name="count"/> waiters queue (the test's acquires have arrived).</summary>
    public static Task WaitersAsync(ClusterFixture fixture, LeaseKind kind, string name, int count) =>
        Poll.UntilAsync(async () => (await ViewAsync(fixture, kind, name)).Waiters == count,
            TimeSpan.FromSeconds(30), $"{count} waiters on {name}");

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
