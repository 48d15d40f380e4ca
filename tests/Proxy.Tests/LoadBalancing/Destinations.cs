using System.Net;
using Microsoft.AspNetCore.Http;
using OrleansCoord.Proxy.LoadBalancing;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.Tests.LoadBalancing;

/// <summary>YARP's real model objects, built the way YARP builds them from configuration.</summary>
internal static class Destinations
{
    public static DestinationState Create(string id, int weight = 1) =>
        new(id, new DestinationModel(new DestinationConfig
        {
            Address = $"http://{id}.invalid",
            Metadata = new Dictionary<string, string> { ["weight"] = weight.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        }));

    /// <summary>Puts <paramref name="requests"/> requests in flight to <paramref name="destination"/>, as either request path would.</summary>
    public static void Busy(DestinationState destination, int requests)
    {
        for (var i = 0; i < requests; i++) destination.InFlight().Enter();
    }

    public static ClusterState Cluster(IReadOnlyDictionary<string, string>? metadata = null) =>
        new("c", new ClusterModel(new ClusterConfig { ClusterId = "c", Metadata = metadata }, new HttpMessageInvoker(new SocketsHttpHandler())));

    public static HttpContext Request(string? header = null, string path = "/", string ip = "10.0.0.1")
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Connection.RemoteIpAddress = IPAddress.Parse(ip);
        if (header is not null) context.Request.Headers["X-User"] = header;
        return context;
    }
}

/// <summary>Randomness a test writes down in advance.</summary>
internal sealed class ScriptedRandom(params int[] values) : OrleansCoord.Proxy.LoadBalancing.IRandomSource
{
    private int _next;

    public int Next(int maxExclusive)
    {
        var value = values[_next++ % values.Length];
        Assert.InRange(value, 0, maxExclusive - 1);
        return value;
    }
}
