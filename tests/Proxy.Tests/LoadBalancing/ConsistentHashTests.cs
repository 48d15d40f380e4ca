using OrleansCoord.Proxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.Tests.LoadBalancing;

public sealed class ConsistentHashTests
{
    private static readonly Dictionary<string, string> ByUserHeader = new() { ["hashKey"] = "header:X-User" };

    [Fact]
    public void SameKey_SameInstance_AndKeysSpreadOverAll()
    {
        var policy = new ConsistentHashPolicy();
        var cluster = Destinations.Cluster(ByUserHeader);
        var available = Enumerable.Range(0, 5).Select(i => Destinations.Create($"i{i}")).ToList();

        var first = Keys.ToDictionary(k => k, k => policy.PickDestination(Destinations.Request(k), cluster, available)!.DestinationId);
        foreach (var key in Keys) Assert.Equal(first[key], policy.PickDestination(Destinations.Request(key), cluster, available)!.DestinationId);

        // 160 points per instance: each of 5 gets roughly a fifth of 10,000 keys.
        Assert.All(first.Values.GroupBy(v => v), owner => Assert.InRange(owner.Count(), 1_200, 2_800));
    }

    [Fact]
    public void OneOfFiveLeaves_OnlyItsKeysMove_AboutAFifth()
    {
        var policy = new ConsistentHashPolicy();
        var cluster = Destinations.Cluster(ByUserHeader);
        var all = Enumerable.Range(0, 5).Select(i => Destinations.Create($"i{i}")).ToList();
        var before = Keys.ToDictionary(k => k, k => policy.PickDestination(Destinations.Request(k), cluster, all)!.DestinationId);

        List<DestinationState> remaining = [.. all.Where(d => d.DestinationId != "i2")];
        var after = Keys.ToDictionary(k => k, k => policy.PickDestination(Destinations.Request(k), cluster, remaining)!.DestinationId);

        var moved = Keys.Where(k => before[k] != after[k]).ToList();
        Assert.All(moved, k => Assert.Equal("i2", before[k]));
        Assert.InRange(moved.Count, 1_200, 2_800);
    }

    [Fact]
    public void KeyMissing_FallsBackToClientAddress()
    {
        var policy = new ConsistentHashPolicy();
        var cluster = Destinations.Cluster(ByUserHeader);
        var available = Enumerable.Range(0, 5).Select(i => Destinations.Create($"i{i}")).ToList();
        var picks = Enumerable.Range(0, 20).Select(_ => policy.PickDestination(Destinations.Request(null, ip: "10.1.2.3"), cluster, available)!.DestinationId);
        Assert.Single(picks.Distinct());
    }

    [Fact]
    public void PathKey_HashesThePath()
    {
        var policy = new ConsistentHashPolicy();
        var cluster = Destinations.Cluster(new Dictionary<string, string> { ["hashKey"] = "path" });
        var available = Enumerable.Range(0, 5).Select(i => Destinations.Create($"i{i}")).ToList();
        var owners = Enumerable.Range(0, 200).Select(i => policy.PickDestination(Destinations.Request(path: $"/p/{i}"), cluster, available)!.DestinationId);
        Assert.Equal(5, owners.Distinct().Count());
    }

    private static IEnumerable<string> Keys => Enumerable.Range(0, 10_000).Select(i => $"user-{i}");
}
