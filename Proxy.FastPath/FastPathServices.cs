using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OrleansCoord.Proxy.FastPath.Handoff;
using OrleansCoord.Proxy.Observability;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>
/// What every fast-path connection shares with YARP's path: the routes (read from YARP's endpoints), cluster plans
/// and instance pools, metrics and the access log, the settings, and the way to Kestrel for what it leaves.
/// </summary>
internal sealed class FastPathServices(ClusterPlans plans, IFastPathMetrics metrics, AccessLog accessLog, FastPathOptions options,
    IClientConnectionLimit connections, TimeProvider time, IOptions<KestrelServerOptions> kestrel, FastPathHandoff handoff, ILogger<FastPathServices> logger)
{
    private static readonly RouteTable NoRoutes = RouteTable.Build([new Endpoint(null, null, "not following YARP's routes yet")]);
    private EndpointDataSource? _endpoints;
    private readonly Lock _rebuild = new();
    private volatile RouteTable? _routes;
    private int _generation;

    public ClusterPlans Plans => plans;

    public IFastPathMetrics Metrics => metrics;

    public AccessLog AccessLog => accessLog;

    public FastPathOptions Options => options;

    /// <summary>The count of client connections under <c>--max-connections</c>.</summary>
    public IClientConnectionLimit Connections => connections;

    public TimeProvider Time => time;

    /// <summary>Where connections go that the fast path leaves to Kestrel and YARP.</summary>
    public FastPathHandoff Handoff => handoff;

    public ILogger Logger => logger;

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
