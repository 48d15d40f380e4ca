using OrleansCoord.Client.Recipes;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Recipes;
using static OrleansCoord.Grains.Tests.Recipes.LeaseProbe;

namespace OrleansCoord.Grains.Tests.Recipes;

/// <summary>Leader election: one leader, terms that increase, and succession when a leader's session ends.</summary>
public sealed class ElectionTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task LeaderSessionAbandoned_NextCandidateLeads_WithHigherTerm()
    {
        var name = UniqueName("elect");
        var first = await fixture.ConnectAsync(TimeSpan.FromSeconds(2));
        await using var second = await fixture.ConnectAsync();
        await using var observer = await fixture.ConnectAsync();

        var leading = await first.Elections.CampaignAsync(name, "alpha", Long);
        var campaign = second.Elections.CampaignAsync(name, "beta", first.SessionTimeout + TimeSpan.FromSeconds(20));
        await WaitersAsync(fixture, LeaseKind.Election, name, 1);
        Assert.Equal(new LeaderInfo("alpha", leading.Term, first.SessionId), await observer.Elections.GetLeaderAsync(name));

        await first.AbandonAsync();

        await using var next = await campaign;
        Assert.Equal("beta", next.CandidateId);
        Assert.True(next.Term > leading.Term);
        Assert.Equal(new LeaderInfo("beta", next.Term, second.SessionId), await observer.Elections.GetLeaderAsync(name));
    }

    [Fact]
    public async Task Resign_NextLeads_ObserverSeesEachChange()
    {
        var name = UniqueName("resign");
        await using var a = await fixture.ConnectAsync();
        await using var b = await fixture.ConnectAsync();
        await using var observer = await fixture.ConnectAsync();
        using var stop = new CancellationTokenSource(Long);
        var seen = new List<LeaderInfo>();
        var observing = Task.Run(async () =>
        {
            await foreach (var leader in observer.Elections.ObserveAsync(name, stop.Token))
            {
                lock (seen) seen.Add(leader);
                if (leader.CandidateId == "b") return;
            }
        });
        await Poll.UntilAsync(() => Task.FromResult(Count(seen) == 1), Long, "the observer's first answer");

        var leaderA = await a.Elections.CampaignAsync(name, "a", Long);
        await Poll.UntilAsync(() => Task.FromResult(Count(seen) == 2), Long, "the observer seeing a lead");
        var campaignB = b.Elections.CampaignAsync(name, "b", Long);
        await WaitersAsync(fixture, LeaseKind.Election, name, 1);
        await leaderA.ResignAsync();
        await using var leaderB = await campaignB;
        await observing;

        Assert.Equal(new LeaderInfo(null, 0, 0), seen[0]);
        Assert.Equal(new LeaderInfo("a", leaderA.Term, a.SessionId), seen[1]);
        // Between a and b there may be a moment without a leader, seen or not; the last change is b.
        Assert.Equal(new LeaderInfo("b", leaderB.Term, b.SessionId), seen[^1]);
        Assert.True(leaderB.Term > leaderA.Term);
    }

    private static int Count(List<LeaderInfo> seen)
    {
        lock (seen) return seen.Count;
    }
}
