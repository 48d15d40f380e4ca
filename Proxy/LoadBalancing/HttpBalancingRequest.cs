using Microsoft.AspNetCore.Http;
using OrleansCoord.Client.Proxy;

namespace OrleansCoord.Proxy.LoadBalancing;

/// <summary>An ASP.NET request seen by a policy (YARP's path).</summary>
internal sealed class HttpBalancingRequest(HttpContext context) : IBalancingRequest
{
    /// <summary>For policies that never read the request: nothing to allocate.</summary>
    public static readonly IBalancingRequest None = new HttpBalancingRequest(null!);

    public string HashKeyOf(HashKey key) => ConsistentHashPolicy.KeyOf(context, key);
}
