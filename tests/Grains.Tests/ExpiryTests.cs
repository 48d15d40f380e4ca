using OrleansCoord.Errors;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Grains.Tests.Support;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

public sealed class ExpiryTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Ttl_NodeWithoutChildren_IsDeletedAfterTtl()
    {
        await using var client = await fixture.ConnectAsync();
        var path = await client.CreateAsync($"/ttl-{Guid.NewGuid():N}", [], CreateMode.PersistentWithTtl, ttlMs: 1000);
        Assert.NotNull(await client.ExistsAsync(path));
        await Poll.UntilAsync(async () => await client.ExistsAsync(path) is null, TimeSpan.FromSeconds(10), "TTL deletion");
    }

    [Fact]
    public async Task Ttl_NodeWithChild_IsKept()
    {
        await using var client = await fixture.ConnectAsync();
        // A TTL long enough that the child is surely created first on a loaded machine; then waited out.
        var path = await client.CreateAsync($"/ttl-{Guid.NewGuid():N}", [], CreateMode.PersistentWithTtl, ttlMs: 2000);
        await client.CreateAsync(path + "/child");
        // Watched the whole time, not once after a sleep: the node must not go while it has a child.
        Assert.False(await Poll.HoldsWithinAsync(async () => await client.ExistsAsync(path) is null, TimeSpan.FromSeconds(4)),
            "the TTL node was deleted while it had a child");
        await client.DeleteAsync(path + "/child");
        await Poll.UntilAsync(async () => await client.ExistsAsync(path) is null, TimeSpan.FromSeconds(10), "TTL deletion after the child left");
    }

    [Fact]
    public async Task Ttl_BadValues_Rejected()
    {
        await using var client = await fixture.ConnectAsync();
        var noTtl = await Assert.ThrowsAsync<CoordException>(() => client.CreateAsync("/ttl-bad", [], CreateMode.PersistentWithTtl, 0));
        Assert.Equal(CoordErrorCode.BadArguments, noTtl.Code);
        var ttlWithoutMode = await Assert.ThrowsAsync<CoordException>(() => client.CreateAsync("/ttl-bad", [], CreateMode.Persistent, 100));
        Assert.Equal(CoordErrorCode.BadArguments, ttlWithoutMode.Code);
    }

    [Fact]
    public async Task Container_DeletedWhenLastChildGoes_NotBefore()
    {
        await using var client = await fixture.ConnectAsync();
        var container = await client.CreateAsync($"/box-{Guid.NewGuid():N}", [], CreateMode.Container);
        var fresh = await client.CreateAsync($"/box-{Guid.NewGuid():N}", [], CreateMode.Container);
        await client.CreateAsync(container + "/a");
        await client.CreateAsync(container + "/b");
        await client.DeleteAsync(container + "/a");
        Assert.False(await Poll.HoldsWithinAsync(async () => await client.ExistsAsync(container) is null, TimeSpan.FromSeconds(1.5)),
            "the container was deleted while it had a child");

        await client.DeleteAsync(container + "/b");
        await Poll.UntilAsync(async () => await client.ExistsAsync(container) is null, TimeSpan.FromSeconds(10), "container deletion");
        Assert.NotNull(await client.ExistsAsync(fresh));
    }
}
