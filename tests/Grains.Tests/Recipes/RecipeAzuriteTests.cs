using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Recipes;
using static OrleansCoord.Grains.Tests.Recipes.LeaseProbe;

namespace OrleansCoord.Grains.Tests.Recipes;

/// <summary>The recipes on Azure Table storage (Azurite): grants, fences and hold rows in one partition's transactions.</summary>
public sealed class RecipeAzuriteTests(AzuriteClusterFixture fixture) : IClassFixture<AzuriteClusterFixture>
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Lock_GrantReleaseAndSessionExpiry_OnAzureTable()
    {
        var name = UniqueName("azlock");
        var owner = await fixture.ConnectAsync(TimeSpan.FromSeconds(2));
        await using var waiter = await fixture.ConnectAsync();

        var held = await owner.Locks.AcquireAsync(name, Long);
        var again = await owner.Locks.AcquireAsync(name, Long);
        Assert.Equal(held.FencingToken, again.FencingToken);
        var waiting = waiter.Locks.AcquireAsync(name, owner.SessionTimeout + TimeSpan.FromSeconds(20));
        await WaitersAsync(fixture, LeaseKind.Lock, name, 1);
        await owner.AbandonAsync();

        await using (var got = await waiting)
        {
            Assert.True(got.FencingToken > held.FencingToken);
            Assert.Equal(waiter.SessionId, (await ViewAsync(fixture, LeaseKind.Lock, name)).Holders.Single().SessionId);
        }

        Assert.Empty((await ViewAsync(fixture, LeaseKind.Lock, name)).Holders);
        Caller.Use(owner.Credential); // as the ended session's holder: the grid fences the session itself
        var fenced = await Assert.ThrowsAsync<CoordException>(() =>
            Grain(fixture, LeaseKind.Lock, name).Acquire(new LeaseAcquire(owner.SessionId, "", Guid.NewGuid(), LeaseMode.Exclusive, 1, 0)));
        Assert.Equal(CoordErrorCode.SessionExpired, fenced.Code);
        Assert.Empty((await ViewAsync(fixture, LeaseKind.Lock, name)).Holders);
    }
}
