using OrleansCoord.Acls;
using OrleansCoord.Client;
using OrleansCoord.Client.Recipes;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Recipes;
using static OrleansCoord.Grains.Tests.Recipes.LeaseProbe;

namespace OrleansCoord.Grains.Tests.Recipes;

/// <summary>Locks on a three-silo cluster: exclusion, order, reentrancy, fencing, release with the session.</summary>
public sealed class LockTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task MutualExclusion_8Clients50Each_NeverTwoHolders_FencingTokensIncrease()
    {
        var name = UniqueName("mutex");
        var detector = new OverlapDetector();
        var clients = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => fixture.ConnectAsync()));
        try
        {
            await Task.WhenAll(clients.Select(async client =>
            {
                for (var i = 0; i < 50; i++)
                {
                    await using var held = await client.Locks.AcquireAsync(name, Long);
                    await detector.InsideAsync(held.FencingToken);
                }
            }));
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }

        Assert.Equal(1, detector.MostInsideAtOnce);
        Assert.Equal(400, detector.Tokens.Count);
        Assert.True(detector.Tokens.Zip(detector.Tokens.Skip(1)).All(p => p.First < p.Second), "fencing tokens must strictly increase");
        Assert.Empty((await ViewAsync(fixture, LeaseKind.Lock, name)).Holders);
    }

    [Fact]
    public async Task Waiters_AreGrantedInArrivalOrder()
    {
        var name = UniqueName("fifo");
        await using var first = await fixture.ConnectAsync();
        var waiters = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => fixture.ConnectAsync()));
        var order = new List<int>();
        try
        {
            var held = await first.Locks.AcquireAsync(name, Long);
            var waiting = new List<Task>();
            for (var i = 0; i < waiters.Length; i++)
            {
                var (client, index) = (waiters[i], i);
                waiting.Add(Task.Run(async () =>
                {
                    await using var mine = await client.Locks.AcquireAsync(name, Long);
                    lock (order) order.Add(index);
                }));
                await WaitersAsync(fixture, LeaseKind.Lock, name, i + 1);
            }

            await held.ReleaseAsync();
            await Task.WhenAll(waiting);
        }
        finally
        {
            await Task.WhenAll(waiters.Select(c => c.DisposeAsync().AsTask()));
        }

        Assert.Equal([0, 1, 2, 3, 4], order);
    }

    [Fact]
    public async Task Reentrant_SameSession_SameToken_FreeAfterAsManyReleases()
    {
        var name = UniqueName("reentrant");
        await using var owner = await fixture.ConnectAsync();
        await using var other = await fixture.ConnectAsync();

        var outer = await owner.Locks.AcquireAsync(name, Long);
        var inner = await owner.Locks.AcquireAsync(name, TimeSpan.Zero);
        Assert.Equal(outer.FencingToken, inner.FencingToken);
        Assert.Null(await other.Locks.TryAcquireAsync(name, TimeSpan.Zero));

        await inner.ReleaseAsync();
        Assert.Null(await other.Locks.TryAcquireAsync(name, TimeSpan.Zero));
        Assert.Equal(owner.SessionId, (await owner.Locks.GetHolderAsync(name))!.SessionId);

        await outer.ReleaseAsync();
        await using var next = await other.Locks.TryAcquireAsync(name, TimeSpan.Zero);
        Assert.NotNull(next);
        Assert.True(next.FencingToken > outer.FencingToken);
    }

    [Fact]
    public async Task TryAcquire_TimesOut_AndGivesUpItsPlace()
    {
        var name = UniqueName("timeout");
        await using var owner = await fixture.ConnectAsync();
        await using var late = await fixture.ConnectAsync();
        await using var later = await fixture.ConnectAsync();
        var held = await owner.Locks.AcquireAsync(name, Long);

        Assert.Null(await late.Locks.TryAcquireAsync(name, TimeSpan.FromMilliseconds(300)));
        var timedOut = await Assert.ThrowsAsync<CoordException>(() => late.Locks.AcquireAsync(name, TimeSpan.FromMilliseconds(300)));
        Assert.Equal(CoordErrorCode.OperationTimeout, timedOut.Code);
        Assert.Equal(0, (await ViewAsync(fixture, LeaseKind.Lock, name)).Waiters);

        // The timed-out waiters left no place behind: the next one gets the lock as soon as it is free.
        var waiting = later.Locks.AcquireAsync(name, Long);
        await WaitersAsync(fixture, LeaseKind.Lock, name, 1);
        await held.ReleaseAsync();
        await using var got = await waiting;
        Assert.Equal(later.SessionId, (await later.Locks.GetHolderAsync(name))!.SessionId);
    }

    [Fact]
    public async Task HolderSessionAbandoned_NextWaiterAcquires()
    {
        var name = UniqueName("abandoned");
        var owner = await fixture.ConnectAsync(TimeSpan.FromSeconds(2));
        await using var waiter = await fixture.ConnectAsync();
        var held = await owner.Locks.AcquireAsync(name, Long);

        var waiting = waiter.Locks.AcquireAsync(name, owner.SessionTimeout + TimeSpan.FromSeconds(20));
        await WaitersAsync(fixture, LeaseKind.Lock, name, 1);
        await owner.AbandonAsync();

        await using var got = await waiting;
        Assert.True(got.FencingToken > held.FencingToken);
        var holder = (await ViewAsync(fixture, LeaseKind.Lock, name)).Holders.Single();
        Assert.Equal(waiter.SessionId, holder.SessionId);
    }

    [Fact]
    public async Task HolderSessionClosed_ReleasedBeforeCloseReturns()
    {
        var name = UniqueName("closed");
        var owner = await fixture.ConnectAsync();
        await owner.Locks.AcquireAsync(name, Long);
        await owner.Locks.AcquireAsync(name, Long);

        await owner.CloseAsync();

        Assert.Empty((await ViewAsync(fixture, LeaseKind.Lock, name)).Holders);
        var late = await Assert.ThrowsAsync<CoordException>(() => owner.Locks.AcquireAsync(name, Long));
        Assert.Equal(CoordErrorCode.SessionExpired, late.Code);
    }

    [Fact]
    public async Task AcquireForEndedSession_FailsSessionExpired_GrantsNothing()
    {
        var name = UniqueName("fenced");
        var owner = await fixture.ConnectAsync();
        await owner.AbandonAsync();
        Caller.Use(owner.Credential); // the session's own credential: the grid ends a session only for its holder
        await fixture.Cluster.Client.GetGrain<OrleansCoord.Sessions.ISessionGrain>(owner.SessionId).Close();

        var grain = Grain(fixture, LeaseKind.Lock, name);
        var expired = await Assert.ThrowsAsync<CoordException>(() =>
            grain.Acquire(new LeaseAcquire(owner.SessionId, "", Guid.NewGuid(), LeaseMode.Exclusive, 1, 0)));
        Assert.Equal(CoordErrorCode.SessionExpired, expired.Code);
        Assert.Empty((await ViewAsync(fixture, LeaseKind.Lock, name)).Holders);
    }
}
