using System.Text;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

public sealed class SmokeTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task CreateGetSetDelete_RoundTrip()
    {
        await using var client = await fixture.ConnectAsync();
        var path = await client.CreateAsync("/smoke", Encoding.UTF8.GetBytes("one"));
        Assert.Equal("/smoke", path);
        var read = await client.GetDataAsync("/smoke");
        Assert.Equal("one", Encoding.UTF8.GetString(read.Data));
        var stat = await client.SetDataAsync("/smoke", Encoding.UTF8.GetBytes("two"), 0);
        Assert.Equal(1, stat.Version);
        var children = await client.GetChildrenAsync("/");
        Assert.Contains("smoke", children.Children);
        await client.DeleteAsync("/smoke", 1);
        Assert.Null(await client.ExistsAsync("/smoke"));
    }
}
