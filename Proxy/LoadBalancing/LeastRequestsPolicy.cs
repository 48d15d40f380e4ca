using Microsoft.AspNetCore.Http;
using OrleansCoord.Client.Proxy;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.LoadBalancing;

/// <summary>
/// The instance with the fewest requests in flight on both request paths (nginx least_conn; <see cref="InFlightRequests"/>). Ties go round robin, so that an idle
/// cluster still spreads its load instead of sending everything to the first instance.
/// </summary>
internal sealed class LeastRequestsPolicy : IGridBalancingPolicy
{
    private int _tieBreak;

    public string Name => YarpPolicyNames.Of(BalancingPolicyNames.LeastRequests);

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations) =>
        Pick(HttpBalancingRequest.None, cluster, availableDestinations);

    public DestinationState? Pick(IBalancingRequest request, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        var count = availableDestinations.Count;
        if (count == 0) return null;
        var start = (int)((uint)Interlocked.Increment(ref _tieBreak) % (uint)count);
        var best = availableDestinations[start];
        var fewest = best.InFlight().Value;
        for (var i = 1; i < count; i++)
        {
            var candidate = availableDestinations[(start + i) % count];
            var inFlight = candidate.InFlight().Value;
            if (inFlight < fewest) (best, fewest) = (candidate, inFlight);
        }

        return best;
    }
}
