using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OrleansCoord.Proxy.Hosting;
using OrleansCoord.Proxy.Observability;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>
/// What every fast-path connection shares with YARP's path: the routes (read from YARP's endpoints), cluster plans
/// and instance pools, metrics and the access log, the settings. <see cref="Wrap"/> puts the fast path in front of
/// Kestrel's HTTP/1.1 handling on the main port.
/// </summary>
internal sealed class FastPathServices(ClusterPlans plans, ProxyMetrics metrics, AccessLog accessLog, ProxyOptions options,
    TimeProvider time, IOptions<KestrelServerOptions> kestrel)
{
    private static readonly RouteTable NoRoutes = RouteTable.Build([new Endpoint(null, null, "not following YARP's routes yet")]);
    private EndpointDataSource? _endpoints;
    private readonly Lock _rebuild = new();
    private volatile RouteTable? _routes;
    private int _generation;

    public ClusterPlans Plans => plans;

    public ProxyMetrics Metrics => metrics;

    public AccessLog AccessLog => accessLog;

    public ProxyOptions Options => options;

    public TimeProvider Time => time;

    public KestrelServerLimits Limits => kestrel.Value.Limits;

    /// <summary>The current routes; until <see cref="Follow"/> is called, a table that sends everything to YARP.</summary>
    public RouteTable Routes => _routes ?? Rebuild();

    /// <summary>Follows the endpoints ASP.NET routing matches against (YARP's routes), rebuilding the table when they change.</summary>
    public void Follow(EndpointDataSource endpoints)
    {
        _endpoints = endpoints;
        ChangeToken.OnChange(endpoints.GetChangeToken, () =>
        {
            lock (_rebuild)
            {
                _generation++;
                _routes = null;
            }
        });
        Rebuild();
    }

    public ConnectionDelegate Wrap(ConnectionDelegate next) => connection => new FastPathConnection(connection, this).RunAsync(next);

    private RouteTable Rebuild()
    {
        if (_endpoints is not { } endpoints) return NoRoutes;
        int generation;
        lock (_rebuild) generation = _generation;
        var table = RouteTable.Build(endpoints.Endpoints);
        lock (_rebuild)
        {
            // A change that came while building makes this table stale: the next request builds again.
            if (generation == _generation) _routes = table;
        }

        return table;
    }
}
