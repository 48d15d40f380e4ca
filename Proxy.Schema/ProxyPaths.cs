namespace OrleansCoord.Client.Proxy;

/// <summary>Where the proxy's configuration lives in the tree.</summary>
public static class ProxyPaths
{
    /// <summary>Parent of the routes: <c>/proxy/routes/&lt;id&gt;</c> holds a <see cref="RouteSpec"/>.</summary>
    public const string Routes = "/proxy/routes";

    /// <summary>Parent of the cluster settings: <c>/proxy/clusters/&lt;id&gt;</c> holds a <see cref="ClusterSpec"/>.</summary>
    public const string Clusters = "/proxy/clusters";

    /// <summary>Parent of the service registry: <c>/services/&lt;cluster&gt;/&lt;instance&gt;</c> holds an <see cref="InstanceSpec"/>.</summary>
    public const string Services = "/services";

    /// <summary>Parent of the proxies' views: <c>/proxy/status/&lt;proxy-id&gt;</c> (ephemeral) holds a <see cref="ProxyStatus"/>.</summary>
    public const string Status = "/proxy/status";

    public static string StatusOf(string proxyId) => $"{Status}/{proxyId}";

    public static string Route(string id) => $"{Routes}/{id}";

    public static string Cluster(string id) => $"{Clusters}/{id}";

    public static string Instances(string cluster) => $"{Services}/{cluster}";

    /// <summary>True for an id that can be one path segment and a YARP id: letters, digits, '.', '_', '-'.</summary>
    public static bool IsValidId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 128 && id is not ("." or "..")
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
