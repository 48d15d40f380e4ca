using Microsoft.AspNetCore.Http;
using OrleansCoord.Client.Proxy;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.LoadBalancing;

/// <summary>Two distinct instances at random, the one with fewer requests in flight (<see cref="InFlightRequests"/>) wins (nginx random two least_conn).</summary>
internal sealed class PowerOfTwoChoicesPolicy(IRandomSource random) : IGridBalancingPolicy
{
    public string Name => YarpPolicyNames.Of(BalancingPolicyNames.PowerOfTwo);

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations) =>
        Pick(HttpBalancingRequest.None, cluster, availableDestinations);

    public DestinationState? Pick(IBalancingRequest request, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        var count = availableDestinations.Count;
        if (count <= 1) return count == 0 ? null : availableDestinations[0];
        var first = random.Next(count);
        // A second index drawn from the other count-1 slots: always distinct from the first.
        var second = (first + 1 + random.Next(count - 1)) % count;
        var a = availableDestinations[first];
        var b = availableDestinations[second];
        return b.InFlight().Value < a.InFlight().Value ? b : a;
    }
}
