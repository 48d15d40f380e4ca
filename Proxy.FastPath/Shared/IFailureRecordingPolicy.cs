using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.Health;

/// <summary>A passive health policy that the fast path can tell of a failed request itself (YARP's path tells it
/// through <see cref="IPassiveHealthCheckPolicy.RequestProxied"/>, which needs an ASP.NET request).</summary>
internal interface IFailureRecordingPolicy : IPassiveHealthCheckPolicy
{
    /// <summary>A transport failure, timeout or 502–504 from <paramref name="destination"/>.</summary>
    void RecordFailure(ClusterState cluster, DestinationState destination);
}
