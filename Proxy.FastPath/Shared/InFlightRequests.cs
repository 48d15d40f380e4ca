using System.Runtime.CompilerServices;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.LoadBalancing;

/// <summary>
/// The count of requests in flight per instance that least-requests and power-of-two read and the status znode reports,
/// counted by YARP's path (Proxy's InFlightMiddleware, last in the proxy pipeline) and the fast path (around its exchange) alike. Ours, not
/// YARP's <see cref="DestinationState.ConcurrentRequestCount"/>: YARP counts that in an internal counter whose public
/// setter is not atomic, so another path cannot count in it through YARP's public API (ADR 011).
/// </summary>
/// <remarks>
/// The count hangs on YARP's <see cref="DestinationState"/>, which YARP keeps for an instance across configuration
/// changes (only its model changes), and goes with it. A look-up is lock-free and allocates only the first time; the
/// fast path resolves it once per instance model (ClusterPlan.cs) instead of once per request.
/// </remarks>
internal static class InFlightRequests
{
    private static readonly ConditionalWeakTable<DestinationState, InFlightCount> Counts = [];

    /// <summary>The in-flight count of <paramref name="destination"/>.</summary>
    public static InFlightCount InFlight(this DestinationState destination) => Counts.GetValue(destination, static _ => new InFlightCount());
}
