using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.LoadBalancing;

/// <summary>
/// A ketama-style ring: each instance owns 160 points per unit of weight, placed by hashing its id, so that when
/// one of N instances leaves only the keys on its points (about 1/N) move to their next neighbour.
/// Immutable; built once per change of the available instances.
/// </summary>
internal sealed class HashRing
{
    public const int PointsPerWeight = 160;
    private readonly ulong[] _points;
    private readonly DestinationState[] _owners;

    public HashRing(IReadOnlyList<DestinationState> destinations)
    {
        Source = destinations;
        var points = new List<(ulong Point, DestinationState Owner)>();
        foreach (var destination in destinations)
        {
            var count = PointsPerWeight * DestinationWeights.Of(destination);
            for (var i = 0; i < count; i++) points.Add((Hash($"{destination.DestinationId}#{i}"), destination));
        }

        // Ties (vanishingly rare) are broken by id, so every proxy builds the same ring.
        points.Sort((a, b) => a.Point != b.Point ? a.Point.CompareTo(b.Point) : string.CompareOrdinal(a.Owner.DestinationId, b.Owner.DestinationId));
        _points = points.Select(p => p.Point).ToArray();
        _owners = points.Select(p => p.Owner).ToArray();
    }

    /// <summary>The list this ring was built from; a different list means the ring is stale.</summary>
    public IReadOnlyList<DestinationState> Source { get; }

    /// <summary>The owner of the first point at or after the key's hash (wrapping around).</summary>
    public DestinationState? Find(string key)
    {
        if (_points.Length == 0) return null;
        var index = Array.BinarySearch(_points, Hash(key));
        if (index < 0) index = ~index;
        return _owners[index == _points.Length ? 0 : index];
    }

    /// <summary>64-bit FNV-1a over the UTF-16 code units, then murmur3's finaliser so that close keys spread.</summary>
    public static ulong Hash(string value)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in value) hash = (hash ^ c) * 1099511628211UL;
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53UL;
        hash ^= hash >> 33;
        return hash;
    }
}
