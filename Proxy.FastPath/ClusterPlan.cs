using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.Forwarding;
using OrleansCoord.Proxy.Health;
using OrleansCoord.Proxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>
/// How the fast path serves one cluster configuration: the same policy object YARP uses, passive health, retries,
/// the upstream timeout. Null from <see cref="ClusterPlans.Of"/> when the configuration asks for something the fast
/// path does not do (a policy or health policy that is not ours, an instance that is not plain http://).
/// </summary>
internal sealed record ClusterPlan(IGridBalancingPolicy Policy, IFailureRecordingPolicy? PassiveHealth, int Retries, TimeSpan Timeout, HashKey? HashKey);

/// <summary>Where and how to reach one instance: its connection pool, the Host header and path prefix YARP would send,
/// and its count of requests in flight (<see cref="InFlightRequests"/>), resolved here once per instance model.</summary>
internal sealed record UpstreamTarget(UpstreamPool Pool, byte[] Authority, byte[] PathPrefix, InFlightCount InFlight);

/// <summary>The plans of clusters and the targets of instances, cached per YARP model object (a new object per change).</summary>
internal sealed class ClusterPlans(IEnumerable<Yarp.ReverseProxy.LoadBalancing.ILoadBalancingPolicy> policies,
    IEnumerable<Yarp.ReverseProxy.Health.IPassiveHealthCheckPolicy> passivePolicies, FastPathOptions options)
{
    private readonly Dictionary<string, IGridBalancingPolicy> _policies =
        policies.OfType<IGridBalancingPolicy>().ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, IFailureRecordingPolicy> _passivePolicies =
        passivePolicies.OfType<IFailureRecordingPolicy>().ToDictionary(p => p.Name, StringComparer.Ordinal);
    private readonly ConditionalWeakTable<ClusterModel, StrongBox<ClusterPlan?>> _plans = [];
    private readonly ConditionalWeakTable<ClusterDestinationsState, StrongBox<bool>> _plainDestinations = [];
    private readonly ConditionalWeakTable<DestinationModel, StrongBox<UpstreamTarget?>> _targets = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, UpstreamPool> _pools = new(StringComparer.Ordinal);

    /// <summary>The plan for <paramref name="cluster"/>'s current model and instances; null: YARP's path serves it.</summary>
    public ClusterPlan? Of(ClusterState cluster)
    {
        var model = cluster.Model;
        if (!_plans.TryGetValue(model, out var plan))
        {
            plan = new StrongBox<ClusterPlan?>(Build(cluster, model));
            _plans.AddOrUpdate(model, plan);
        }

        if (plan.Value is null) return null;
        var destinations = cluster.DestinationsState;
        if (!_plainDestinations.TryGetValue(destinations, out var plain))
        {
            plain = new StrongBox<bool>(destinations.AllDestinations.All(d => TargetOf(d) is not null));
            _plainDestinations.AddOrUpdate(destinations, plain);
        }

        return plain.Value ? plan.Value : null;
    }

    public UpstreamTarget? TargetOf(DestinationState destination)
    {
        if (destination.Model is not { } model) return null;
        if (!_targets.TryGetValue(model, out var target))
        {
            // A model belongs to one DestinationState (YARP makes a new one per change), so its target may keep that count.
            target = new StrongBox<UpstreamTarget?>(Target(model, destination.InFlight()));
            _targets.AddOrUpdate(model, target);
        }

        return target.Value;
    }

    private ClusterPlan? Build(ClusterState cluster, ClusterModel model)
    {
        var config = model.Config;
        if (config.LoadBalancingPolicy is not { } name || !_policies.TryGetValue(name, out var policy)) return null;
        var passive = config.HealthCheck?.Passive is { Enabled: true } p ? p : null;
        IFailureRecordingPolicy? health = null;
        if (passive is not null && (passive.Policy is not { } passiveName || !_passivePolicies.TryGetValue(passiveName, out health))) return null;
        if (config.HttpRequest is { } request && (request.Version is not null || request.VersionPolicy is not null || request.AllowResponseBuffering is not null)) return null;
        return new ClusterPlan(policy, health, RetryRules.RetriesOf(config),
            config.HttpRequest?.ActivityTimeout ?? TimeSpan.FromSeconds(100), policy.KeySource(cluster));
    }

    // null for what the fast path does not speak: https, a query in the address, a Host override.
    private UpstreamTarget? Target(DestinationModel model, InFlightCount inFlight)
    {
        var config = model.Config;
        if (config.Host is not null || !Uri.TryCreate(config.Address, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp
            || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0 || !uri.IsWellFormedOriginalString())
        {
            return null;
        }

        EndPoint endpoint = uri.HostNameType switch
        {
            UriHostNameType.IPv4 or UriHostNameType.IPv6 => new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port),
            _ => new DnsEndPoint(uri.IdnHost, uri.Port),
        };
        var pool = _pools.GetOrAdd(uri.GetLeftPart(UriPartial.Authority), _ => new UpstreamPool(endpoint, options.LoopCount));
        var prefix = uri.AbsolutePath.TrimEnd('/');
        return new UpstreamTarget(pool, Encoding.ASCII.GetBytes(uri.Authority), Encoding.ASCII.GetBytes(prefix), inFlight);
    }
}
