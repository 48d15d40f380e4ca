using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using OrleansCoord.Client.Proxy;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.LoadBalancing;

/// <summary>Each available instance in turn. One lock-free counter per cluster.</summary>
internal sealed class RoundRobinPolicy : IGridBalancingPolicy
{
    private readonly ConditionalWeakTable<ClusterState, Counter> _counters = [];

    public string Name => YarpPolicyNames.Of(BalancingPolicyNames.RoundRobin);

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations) =>
        Pick(HttpBalancingRequest.None, cluster, availableDestinations);

    public DestinationState? Pick(IBalancingRequest request, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        if (availableDestinations.Count == 0) return null;
        var counter = _counters.GetOrCreateValue(cluster);
        var next = (uint)Interlocked.Increment(ref counter.Value);
        return availableDestinations[(int)((next - 1) % (uint)availableDestinations.Count)];
    }

    private sealed class Counter
    {
        public int Value;
    }
}
