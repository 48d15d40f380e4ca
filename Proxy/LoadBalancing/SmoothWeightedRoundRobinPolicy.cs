using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using OrleansCoord.Client.Proxy;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.LoadBalancing;

/// <summary>
/// nginx's smooth weighted round robin: every pick adds each instance's weight to its current value, the highest
/// current value wins and gives back the total. Over any window of total-weight picks each instance gets exactly
/// its weight, spread out (5,1,1 gives a a b a c a a rather than a a a a a b c).
/// </summary>
internal sealed class SmoothWeightedRoundRobinPolicy : IGridBalancingPolicy
{
    // Per cluster: the current values, keyed by destination id so they survive a config swap.
    private readonly ConditionalWeakTable<ClusterState, Dictionary<string, long>> _current = [];

    public string Name => YarpPolicyNames.Of(BalancingPolicyNames.WeightedRoundRobin);

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations) =>
        Pick(HttpBalancingRequest.None, cluster, availableDestinations);

    public DestinationState? Pick(IBalancingRequest request, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        if (availableDestinations.Count <= 1) return availableDestinations.Count == 0 ? null : availableDestinations[0];
        var current = _current.GetOrCreateValue(cluster);
        lock (current)
        {
            DestinationState? best = null;
            long bestValue = 0, total = 0;
            foreach (var destination in availableDestinations)
            {
                var weight = DestinationWeights.Of(destination);
                total += weight;
                var value = current.GetValueOrDefault(destination.DestinationId) + weight;
                current[destination.DestinationId] = value;
                if (best is null || value > bestValue) (best, bestValue) = (destination, value);
            }

            current[best!.DestinationId] = bestValue - total;
            if (current.Count > availableDestinations.Count * 2) Forget(current, availableDestinations);
            return best;
        }
    }

    // Instances that left keep no state forever.
    private static void Forget(Dictionary<string, long> current, IReadOnlyList<DestinationState> available)
    {
        var live = available.Select(d => d.DestinationId).ToHashSet(StringComparer.Ordinal);
        foreach (var id in current.Keys.Where(id => !live.Contains(id)).ToList()) current.Remove(id);
    }
}
