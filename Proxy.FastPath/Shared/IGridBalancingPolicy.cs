using OrleansCoord.Client.Proxy;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.LoadBalancing;

/// <summary>
/// A balancing policy that both request paths use, YARP's (through <see cref="ILoadBalancingPolicy"/>) and the
/// connection-level fast path (Proxy.FastPath/), so that one policy object and its state (round-robin counter, smooth
/// weights, hash ring) serve every request of a cluster whichever path carries it.
/// </summary>
internal interface IGridBalancingPolicy : ILoadBalancingPolicy
{
    /// <summary>Picks among <paramref name="available"/>; null when it is empty.</summary>
    DestinationState? Pick(IBalancingRequest request, ClusterState cluster, IReadOnlyList<DestinationState> available);

    /// <summary>What the policy hashes in <paramref name="cluster"/>'s requests; null for a policy that reads no request.</summary>
    HashKey? KeySource(ClusterState cluster) => null;
}

/// <summary>What a policy may look at in a request: only consistent hashing reads it.</summary>
internal interface IBalancingRequest
{
    /// <summary>The value of <paramref name="key"/> in this request; the client address when it is missing.</summary>
    string HashKeyOf(HashKey key);
}
