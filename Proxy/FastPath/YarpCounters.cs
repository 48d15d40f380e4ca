using System.Runtime.CompilerServices;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>
/// YARP's in-flight request counters of clusters and instances (what least-requests and power-of-two read, and the
/// status znode reports), counted by the fast path too. YARP keeps them in an internal <c>AtomicCounter</c> whose
/// public setter is not atomic, so the fast path reaches the counter's own Increment/Decrement (.NET 10 accessors;
/// a YARP upgrade that renames them fails the first fast-path request loudly, and the Proxy tests with it).
/// </summary>
internal static class YarpCounters
{
    private const string AtomicCounter = "Yarp.ReverseProxy.Utilities.AtomicCounter, Yarp.ReverseProxy";

    public static void Enter(ClusterState cluster, DestinationState destination)
    {
        Increment(ClusterCounter(cluster));
        Increment(DestinationCounter(destination));
    }

    public static void Leave(ClusterState cluster, DestinationState destination)
    {
        Decrement(DestinationCounter(destination));
        Decrement(ClusterCounter(cluster));
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_ConcurrencyCounter")]
    [return: UnsafeAccessorType(AtomicCounter)]
    private static extern object ClusterCounter(ClusterState cluster);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_ConcurrencyCounter")]
    [return: UnsafeAccessorType(AtomicCounter)]
    private static extern object DestinationCounter(DestinationState destination);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "Increment")]
    private static extern int Increment([UnsafeAccessorType(AtomicCounter)] object counter);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "Decrement")]
    private static extern int Decrement([UnsafeAccessorType(AtomicCounter)] object counter);
}
