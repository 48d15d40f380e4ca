using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace OrleansCoord.Proxy.Configuration;

/// <summary>One immutable YARP configuration; its change token fires when a newer one replaces it.</summary>
internal sealed class GridProxyConfig(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters, string revisionId) : IProxyConfig
{
    private readonly CancellationTokenSource _replaced = new();

    public string RevisionId => revisionId;

    public IReadOnlyList<RouteConfig> Routes => routes;

    public IReadOnlyList<ClusterConfig> Clusters => clusters;

    public IChangeToken ChangeToken => new CancellationChangeToken(_replaced.Token);

    public void SignalReplaced() => _replaced.Cancel();
}
