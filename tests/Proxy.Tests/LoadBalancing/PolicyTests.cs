using OrleansCoord.Proxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.Tests.LoadBalancing;

public sealed class PolicyTests
{
    private readonly DestinationState _a = Destinations.Create("a");
    private readonly DestinationState _b = Destinations.Create("b");
    private readonly DestinationState _c = Destinations.Create("c");

    [Fact]
    public void RoundRobin_TakesEachInTurn()
    {
        var policy = new RoundRobinPolicy();
        var cluster = Destinations.Cluster();
        var picks = Enumerable.Range(0, 9).Select(_ => policy.PickDestination(Destinations.Request(), cluster, [_a, _b, _c])!.DestinationId);
        Assert.Equal("abcabcabc", string.Concat(picks));
    }

    [Fact]
    public void SmoothWeighted_FiveOneOne_SpreadsLikeNginx()
    {
        var policy = new SmoothWeightedRoundRobinPolicy();
        var cluster = Destinations.Cluster();
        DestinationState[] available = [Destinations.Create("a", 5), Destinations.Create("b", 1), Destinations.Create("c", 1)];
        var picks = string.Concat(Enumerable.Range(0, 70).Select(_ => policy.PickDestination(Destinations.Request(), cluster, available)!.DestinationId));

        // nginx's documented sequence for weights 5,1,1, repeated: every window of 7 holds each weight exactly.
        Assert.Equal(string.Concat(Enumerable.Repeat("aabacaa", 10)), picks);
    }

    [Fact]
    public void SmoothWeighted_InstanceLeaves_RemainingShareByWeight()
    {
        var policy = new SmoothWeightedRoundRobinPolicy();
        var cluster = Destinations.Cluster();
        var a = Destinations.Create("a", 3);
        var b = Destinations.Create("b", 1);
        for (var i = 0; i < 5; i++) policy.PickDestination(Destinations.Request(), cluster, [a, b, _c]);

        var picks = Enumerable.Range(0, 400).Select(_ => policy.PickDestination(Destinations.Request(), cluster, [a, b])!.DestinationId).ToList();
        Assert.InRange(picks.Count(p => p == "a"), 299, 301);
    }

    [Fact]
    public void LeastRequests_PrefersTheIdleInstance()
    {
        var policy = new LeastRequestsPolicy();
        Destinations.Busy(_a, 3);
        Destinations.Busy(_c, 2);
        for (var i = 0; i < 10; i++) Assert.Same(_b, policy.PickDestination(Destinations.Request(), Destinations.Cluster(), [_a, _b, _c]));
    }

    [Fact]
    public void LeastRequests_AllIdle_Spreads()
    {
        var policy = new LeastRequestsPolicy();
        var picks = Enumerable.Range(0, 30).Select(_ => policy.PickDestination(Destinations.Request(), Destinations.Cluster(), [_a, _b, _c])!.DestinationId);
        Assert.All(picks.GroupBy(p => p), group => Assert.Equal(10, group.Count()));
    }

    [Fact]
    public void PowerOfTwo_TwoDistinctChoices_LessBusyWins()
    {
        Destinations.Busy(_a, 5);
        Destinations.Busy(_b, 1);
        // First draw a (index 0); second draw 0 of the remaining two -> b: b is less busy than a.
        Assert.Same(_b, new PowerOfTwoChoicesPolicy(new ScriptedRandom(0, 0)).PickDestination(Destinations.Request(), Destinations.Cluster(), [_a, _b, _c]));
        // First c (2); second 0 of the remaining -> a; c is idle.
        Assert.Same(_c, new PowerOfTwoChoicesPolicy(new ScriptedRandom(2, 0)).PickDestination(Destinations.Request(), Destinations.Cluster(), [_a, _b, _c]));
    }

    [Fact]
    public void Random_PicksWhatTheRandomSourceSays()
    {
        var policy = new RandomPolicy(new ScriptedRandom(2, 0, 1));
        var picks = Enumerable.Range(0, 3).Select(_ => policy.PickDestination(Destinations.Request(), Destinations.Cluster(), [_a, _b, _c])!.DestinationId);
        Assert.Equal("cab", string.Concat(picks));
    }

    [Fact]
    public void EveryPolicy_NoInstance_PicksNone()
    {
        Yarp.ReverseProxy.LoadBalancing.ILoadBalancingPolicy[] policies = [new RoundRobinPolicy(), new SmoothWeightedRoundRobinPolicy(),
            new LeastRequestsPolicy(), new PowerOfTwoChoicesPolicy(new ScriptedRandom(0)), new RandomPolicy(new ScriptedRandom(0)), new ConsistentHashPolicy()];
        Assert.All(policies, p => Assert.Null(p.PickDestination(Destinations.Request(), Destinations.Cluster(), [])));
    }
}
