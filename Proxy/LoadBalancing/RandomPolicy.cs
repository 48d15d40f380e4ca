using Microsoft.AspNetCore.Http;
using OrleansCoord.Client.Proxy;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.LoadBalancing;

/// <summary>Any available instance, uniformly at random.</summary>
internal sealed class RandomPolicy(IRandomSource random) : IGridBalancingPolicy
{
    public string Name => YarpPolicyNames.Of(BalancingPolicyNames.Random);

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations) =>
        Pick(HttpBalancingRequest.None, cluster, availableDestinations);

    public DestinationState? Pick(IBalancingRequest request, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations) =>
        availableDestinations.Count == 0 ? null : availableDestinations[random.Next(availableDestinations.Count)];
}
