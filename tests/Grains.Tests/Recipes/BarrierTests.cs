using OrleansCoord.Acls;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Grains.Tests.Support;
using OrleansCoord.Recipes.Barriers;

namespace OrleansCoord.Grains.Tests.Recipes;

public sealed class BarrierTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Enter_ReleasesAllTogether_NotBeforeCount()
    {
        var name = $"b-{Guid.NewGuid():N}";
        var clients = await ConnectAsync(4);
        try
        {
            var early = clients.Take(3).Select(c => c.Barriers.EnterAsync(name, 4, Patience)).ToList();
            await Poll.UntilAsync(async () => (await clients[0].Barriers.StatusAsync(name)).Members == 3, Patience, "three entries");
            // Across more than one grain-side wait: nobody is released by three of four.
            Assert.False(await Poll.HoldsWithinAsync(() => Task.FromResult(early.Any(e => e.IsCompleted)), TimeSpan.FromSeconds(4)),
                "an entry was released by three of four");

            Assert.True(await clients[3].Barriers.EnterAsync(name, 4, Patience));
            Assert.All(await Task.WhenAll(early).WaitAsync(Patience), Assert.True);
            Assert.Equal(new BarrierStatus(1, 0, 0, false), await clients[0].Barriers.StatusAsync(name));
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.CloseAsync()));
        }
    }

    [Fact]
    public async Task Enter_TimesOut_GivesUpItsPlace()
    {
        await using var client = await fixture.ConnectAsync();
        var name = $"b-{Guid.NewGuid():N}";
        Assert.False(await client.Barriers.EnterAsync(name, 2, TimeSpan.FromSeconds(1)));
        Assert.Equal(0, (await client.Barriers.StatusAsync(name)).Members);

        // The place given up does not count: two fresh entrants are needed.
        await using var other = await fixture.ConnectAsync();
        Assert.False(await other.Barriers.EnterAsync(name, 2, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Participant_OfAnEndedSession_GivesUpItsPlace()
    {
        var name = $"b-{Guid.NewGuid():N}";
        await using var observer = await fixture.ConnectAsync();
        var crashed = await fixture.ConnectAsync(TimeSpan.FromSeconds(2));
        var waiting = crashed.Barriers.EnterAsync(name, 2, Patience);
        await Poll.UntilAsync(async () => (await observer.Barriers.StatusAsync(name)).Members == 1, Patience, "the entry");
        await crashed.AbandonAsync();

        await Poll.UntilAsync(async () => (await observer.Barriers.StatusAsync(name)).Members == 0, Patience, "the ended session's exit");
        var gone = await Assert.ThrowsAsync<CoordException>(() => waiting.WaitAsync(Patience));
        Assert.Equal(CoordErrorCode.NoNode, gone.Code);
        Assert.False(await observer.Barriers.EnterAsync(name, 2, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task DoubleBarrier_EnterTogether_LeaveTogether()
    {
        var name = $"db-{Guid.NewGuid():N}";
        var clients = await ConnectAsync(4);
        try
        {
            var entering = clients.Take(2).Select(c => c.DoubleBarriers.EnterAsync(name, 3, Patience)).ToList();
            await Poll.UntilAsync(async () => (await clients[0].DoubleBarriers.StatusAsync(name)).Members == 2, Patience, "two entries");
            Assert.DoesNotContain(entering, e => e.IsCompleted);
            var third = await clients[2].DoubleBarriers.EnterAsync(name, 3, Patience);
            var entries = (await Task.WhenAll(entering).WaitAsync(Patience)).Append(third).Select(e => e!).ToList();
            Assert.All(entries, e => Assert.Equal(0, e.Round));

            // A latecomer waits for the next round; the first two out wait for the third.
            var late = clients[3].DoubleBarriers.EnterAsync(name, 1, Patience);
            var leaving = entries.Take(2).Select(e => e.LeaveAsync(Patience)).ToList();
            await Poll.UntilAsync(async () => (await clients[0].DoubleBarriers.StatusAsync(name)).Members == 1, Patience, "two exits");
            Assert.DoesNotContain(leaving, l => l.IsCompleted);
            Assert.False(late.IsCompleted);

            Assert.True(await entries[2].LeaveAsync(Patience));
            Assert.All(await Task.WhenAll(leaving).WaitAsync(Patience), Assert.True);
            var next = await late.WaitAsync(Patience);
            Assert.Equal(1, next!.Round);
            Assert.True(await next.LeaveAsync(Patience));
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.CloseAsync()));
        }
    }

    [Fact]
    public async Task BadInput_TypedError_ChangesNothing()
    {
        await using var client = await fixture.ConnectAsync();
        var name = $"b-{Guid.NewGuid():N}";
        var first = client.Barriers.EnterAsync(name, 3, Patience);
        await Poll.UntilAsync(async () => (await client.Barriers.StatusAsync(name)).Members == 1, Patience, "the entry");

        async Task Expect(CoordErrorCode code, Func<Task> call) => Assert.Equal(code, (await Assert.ThrowsAsync<CoordException>(call)).Code);
        await Expect(CoordErrorCode.BadArguments, () => client.Barriers.EnterAsync(name, 2, Patience));
        await Expect(CoordErrorCode.BadArguments, () => client.Barriers.EnterAsync(name, 0, Patience));
        await Expect(CoordErrorCode.BadArguments, () => client.Barriers.EnterAsync(name, -3, Patience));
        await Expect(CoordErrorCode.BadArguments, () => client.Barriers.EnterAsync(name, 3, TimeSpan.FromSeconds(-1)));
        await Expect(CoordErrorCode.BadArguments, () => client.Barriers.EnterAsync("", 3, Patience));
        await Expect(CoordErrorCode.BadArguments, () => client.DoubleBarriers.EnterAsync(name, 0, Patience));
        var issuer = GridCredentials.Of(fixture.Cluster);
        await issuer.ReadyAsync();
        Caller.Use(issuer.Issue(12345, [])); // as that (unknown) session's holder: the grid judges the session itself
        await Expect(CoordErrorCode.SessionExpired, () => fixture.Cluster.Client.GetGrain<IBarrierGrain>(name).Enter(Guid.NewGuid(), 12345, 3));
        Caller.Use(null);
        await Expect(CoordErrorCode.BadArguments, () => fixture.Cluster.Client.GetGrain<IBarrierGrain>(name).Await(Guid.NewGuid(), 0, -1));

        Assert.Equal(new BarrierStatus(0, 3, 1, false), await client.Barriers.StatusAsync(name));
        Assert.False(first.IsCompleted);
    }

    private async Task<CoordClient[]> ConnectAsync(int count) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => fixture.ConnectAsync()));
}
