using OrleansCoord.Grains.Hosting;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

/// <summary>References made without Orleans' per-call type resolution (GrainFactoryStringKeyExtensions) reach the same grains.</summary>
public sealed class GrainReferenceTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task GetStringKeyGrain_SameGrainAsGetGrain()
    {
        var grains = fixture.Cluster.Client;
        var path = $"/ref-{Guid.NewGuid():N}";
        await using var client = await fixture.ConnectAsync();
        await client.CreateAsync(path, [7]);

        var cached = grains.GetStringKeyGrain<IZNodeGrain>(path);
        var resolved = grains.GetGrain<IZNodeGrain>(path);
        Assert.Equal(resolved.GetGrainId(), cached.GetGrainId());
        Assert.Equal(resolved, cached);
        Assert.Equal([7], (await cached.GetData()).Data);
        Assert.Equal(resolved.GetGrainId(), grains.GetStringKeyGrain<IZNodeGrain>(path).GetGrainId());
        Assert.NotEqual(cached.GetGrainId(), grains.GetStringKeyGrain<IZNodeGrain>(path + "x").GetGrainId());
    }

    [Fact]
    public void GetStringKeyGrain_BlankKey_Throws() =>
        Assert.Throws<ArgumentException>(() => fixture.Cluster.Client.GetStringKeyGrain<IZNodeGrain>(" "));
}
