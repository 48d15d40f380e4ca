using System.Globalization;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.Health;
using OrleansCoord.Proxy.Hosting;
using OrleansCoord.Proxy.LoadBalancing;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace OrleansCoord.Proxy.Configuration;

/// <summary>Turns a <see cref="GridSnapshot"/> into YARP routes and clusters: settings become policies and metadata.</summary>
internal sealed class YarpConfigBuilder(ProxyOptions options)
{
    public const string RetriesMetadata = Forwarding.RetryRules.RetriesMetadata;

    public IReadOnlyList<RouteConfig> Routes(GridSnapshot snapshot) =>
        snapshot.Routes.Select(pair => new RouteConfig
        {
            RouteId = pair.Key,
            ClusterId = pair.Value.Cluster,
            Match = new RouteMatch { Path = pair.Value.Path, Hosts = pair.Value.Hosts is { Count: > 0 } hosts ? hosts : null },
        }).ToList();

    public IReadOnlyList<ClusterConfig> Clusters(GridSnapshot snapshot) =>
        snapshot.ClusterIds.Select(id => Cluster(id, snapshot.Clusters.GetValueOrDefault(id) ?? ClusterSpec.Default,
            snapshot.Instances.GetValueOrDefault(id) ?? [])).ToList();

    private ClusterConfig Cluster(string id, ClusterSpec spec, IReadOnlyDictionary<string, InstanceSpec> instances)
    {
        var failTimeout = TimeSpan.FromSeconds(spec.FailTimeoutSeconds);
        var metadata = new Dictionary<string, string>
        {
            [RetriesMetadata] = spec.Retries.ToString(CultureInfo.InvariantCulture),
            [MaxFailsPolicy.MaxFailsMetadata] = spec.MaxFails.ToString(CultureInfo.InvariantCulture),
            [MaxFailsPolicy.FailTimeoutMetadata] = spec.FailTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
        };
        if (spec.HashKey is not null) metadata[ConsistentHashPolicy.HashKeyMetadata] = spec.HashKey;

        return new ClusterConfig
        {
            ClusterId = id,
            LoadBalancingPolicy = YarpPolicyNames.Of(spec.Policy),
            Metadata = metadata,
            HealthCheck = new HealthCheckConfig
            {
                Passive = spec.MaxFails > 0
                    ? new PassiveHealthCheckConfig { Enabled = true, Policy = MaxFailsPolicy.PolicyName, ReactivationPeriod = failTimeout }
                    : null,
                Active = spec.HealthPath is { } path
                    ? new ActiveHealthCheckConfig
                    {
                        Enabled = true,
                        Path = path,
                        Interval = TimeSpan.FromSeconds(spec.HealthIntervalSeconds),
                        Timeout = TimeSpan.FromSeconds(Math.Min(spec.HealthIntervalSeconds, 5)),
                        Policy = "ConsecutiveFailures",
                    }
                    : null,
                // When every instance is out, try them all rather than fail everything (nginx does the same).
                AvailableDestinationsPolicy = "HealthyOrPanic",
            },
            HttpRequest = new ForwarderRequestConfig { ActivityTimeout = options.UpstreamTimeout },
            Destinations = instances.ToDictionary(pair => pair.Key, pair => new DestinationConfig
            {
                Address = pair.Value.Address!,
                Metadata = new Dictionary<string, string> { [DestinationWeights.MetadataKey] = pair.Value.Weight.ToString(CultureInfo.InvariantCulture) },
            }, StringComparer.Ordinal),
        };
    }
}
