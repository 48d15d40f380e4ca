using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using OrleansCoord.Client.Proxy;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.LoadBalancing;

/// <summary>
/// nginx's <c>hash KEY consistent</c>: the cluster's hash key (header, cookie, client address or path) picks a point
/// on a <see cref="HashRing"/> of the available instances. A request without the key falls back to the client address.
/// </summary>
internal sealed class ConsistentHashPolicy : IGridBalancingPolicy
{
    public const string HashKeyMetadata = "hashKey";
    private readonly ConditionalWeakTable<ClusterState, StrongBox<HashRing?>> _rings = [];
    private readonly ConditionalWeakTable<IReadOnlyDictionary<string, string>, HashKey> _keys = [];

    public string Name => YarpPolicyNames.Of(BalancingPolicyNames.ConsistentHash);

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations) =>
        Pick(new HttpBalancingRequest(context), cluster, availableDestinations);

    public DestinationState? Pick(IBalancingRequest request, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        if (availableDestinations.Count <= 1) return availableDestinations.Count == 0 ? null : availableDestinations[0];
        var box = _rings.GetOrCreateValue(cluster);
        var ring = Volatile.Read(ref box.Value);
        if (ring is null || !ReferenceEquals(ring.Source, availableDestinations))
        {
            // YARP hands out a new list whenever the available instances change; racing builders build the same ring.
            ring = new HashRing(availableDestinations);
            Volatile.Write(ref box.Value, ring);
        }

        return ring.Find(request.HashKeyOf(KeySource(cluster)));
    }

    /// <summary>The request's key; the client address when the configured header or cookie is missing.</summary>
    public static string KeyOf(HttpContext context, HashKey key)
    {
        var value = key.Source switch
        {
            HashKeySource.Header => context.Request.Headers[key.Name!].ToString(),
            HashKeySource.Cookie => context.Request.Cookies[key.Name!],
            HashKeySource.Path => context.Request.Path.Value,
            _ => null,
        };
        return string.IsNullOrEmpty(value) ? context.Connection.RemoteIpAddress?.ToString() ?? "" : value;
    }

    /// <summary>The cluster's configured key (the client address when none is configured).</summary>
    public HashKey KeySource(ClusterState cluster)
    {
        var metadata = cluster.Model.Config.Metadata;
        if (metadata is null) return new HashKey(HashKeySource.ClientIp, null);
        return _keys.GetValue(metadata, m =>
            m.TryGetValue(HashKeyMetadata, out var text) && HashKey.TryParse(text) is { } parsed ? parsed : new HashKey(HashKeySource.ClientIp, null));
    }
}
