using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Recipes;
using static OrleansCoord.Grains.Tests.Recipes.LeaseProbe;

namespace OrleansCoord.Grains.Tests.Recipes;

/// <summary>Bad input to the recipes fails with a typed error and changes nothing.</summary>
public sealed class RecipeBadInputTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task BadNamesCountsTimeouts_BadArguments_NothingHeld()
    {
        await using var client = await fixture.ConnectAsync();
        var name = UniqueName("bad");
        await AssertBad(() => client.Locks.AcquireAsync("", Short));
        await AssertBad(() => client.Locks.AcquireAsync("a\u0001b", Short));
        await AssertBad(() => client.Locks.AcquireAsync(new string('x', RecipeLimits.MaxNameLength + 1), Short));
        await AssertBad(() => client.Locks.AcquireAsync(name, TimeSpan.FromSeconds(-1)));
        await AssertBad(() => client.Semaphores.AcquireAsync(name, 0, Short));
        await AssertBad(() => client.Semaphores.AcquireAsync(name, -3, Short));
        await AssertBad(() => client.Elections.CampaignAsync(name, "", Short));
        await AssertBad(() => Grain(fixture, LeaseKind.Lock, name).Acquire(new LeaseAcquire(client.SessionId, "", Guid.NewGuid(), LeaseMode.Exclusive, 1, RecipeLimits.MaxWaitMs + 1)));
        await AssertBad(() => Grain(fixture, LeaseKind.Lock, name).Acquire(new LeaseAcquire(client.SessionId, "", Guid.NewGuid(), LeaseMode.Shared, 1, 0)));
        await AssertBad(() => fixture.Cluster.Client.GetGrain<ILeaseGrain>("nokind").Observe(-1, -1, 0));
        await AssertBad(() => fixture.Cluster.Client.GetGrain<ILeaseGrain>("Lock:").Observe(-1, -1, 0));
        await AssertBad(() => fixture.Cluster.Client.GetGrain<ILeaseGrain>("7:x").Observe(-1, -1, 0));

        var view = await ViewAsync(fixture, LeaseKind.Lock, name);
        Assert.Empty(view.Holders);
        Assert.Equal(0, view.LastToken);
        Assert.Empty((await ViewAsync(fixture, LeaseKind.Semaphore, name)).Holders);
    }

    [Fact]
    public async Task ReleaseNotHeld_BadArguments_HolderKeepsTheLock()
    {
        await using var owner = await fixture.ConnectAsync();
        await using var other = await fixture.ConnectAsync();
        var name = UniqueName("notheld");
        var grain = Grain(fixture, LeaseKind.Lock, name);
        Caller.Use(other.Credential); // other's own calls, as its SDK makes them
        await AssertBad(() => grain.Release(other.SessionId, "", Guid.NewGuid()));

        var held = await owner.Locks.AcquireAsync(name, Short);
        await AssertBad(() => grain.Release(other.SessionId, "", Guid.NewGuid()));
        Assert.Equal(owner.SessionId, (await ViewAsync(fixture, LeaseKind.Lock, name)).Holders.Single().SessionId);

        await held.ReleaseAsync();
        await held.ReleaseAsync(); // the handle releases once
        Assert.Empty((await ViewAsync(fixture, LeaseKind.Lock, name)).Holders);
    }

    [Fact]
    public async Task SemaphoreWithOtherLeaseCount_BadArguments()
    {
        await using var client = await fixture.ConnectAsync();
        var name = UniqueName("sem-count");
        await using var lease = await client.Semaphores.AcquireAsync(name, 2, Short);
        await AssertBad(() => client.Semaphores.AcquireAsync(name, 3, Short));
        Assert.Single((await ViewAsync(fixture, LeaseKind.Semaphore, name)).Holders);
    }

    [Fact]
    public async Task ReadLockUpgrade_BadArguments()
    {
        await using var client = await fixture.ConnectAsync();
        var name = UniqueName("upgrade");
        await using var read = await client.ReadWriteLocks.AcquireReadAsync(name, Short);
        await AssertBad(() => client.ReadWriteLocks.AcquireWriteAsync(name, Short));
        Assert.Equal(0, (await ViewAsync(fixture, LeaseKind.ReadWriteLock, name)).Waiters);
    }

    private static async Task AssertBad(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<CoordException>(call);
        Assert.Equal(CoordErrorCode.BadArguments, error.Code);
    }
}
