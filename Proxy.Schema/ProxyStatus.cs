using System.Text.Json.Serialization;

namespace OrleansCoord.Client.Proxy;

/// <summary>
/// What one proxy sees of its upstreams (like nginx plus's upstream API), written by the proxy as JSON in the
/// ephemeral znode <c>/proxy/status/&lt;proxy-id&gt;</c> while it runs:
/// <c>{"clusters":{"api":{"instances":{"a1":{"address":"http://127.0.0.1:5001","healthy":true,"passive":"unknown","active":"healthy","inFlight":0}}}}}</c>.
/// </summary>
public sealed record ProxyStatus([property: JsonPropertyName("clusters")] IReadOnlyDictionary<string, ClusterStatus> Clusters);

/// <summary>One cluster's instances as a proxy sees them.</summary>
public sealed record ClusterStatus([property: JsonPropertyName("instances")] IReadOnlyDictionary<string, InstanceStatus> Instances);

/// <summary>One instance as a proxy sees it.</summary>
/// <param name="Address">Where requests go.</param>
/// <param name="Healthy">False while passive or active health holds it out (it gets no traffic unless all are out).</param>
/// <param name="Passive">nginx max_fails/fail_timeout's verdict: <c>unknown</c> (no failures), <c>healthy</c> or <c>unhealthy</c>.</param>
/// <param name="Active">The probes' verdict: <c>unknown</c> (no probes, or none yet), <c>healthy</c> or <c>unhealthy</c>.</param>
/// <param name="InFlight">Requests being forwarded to it when the status was written.</param>
public sealed record InstanceStatus(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("healthy")] bool Healthy,
    [property: JsonPropertyName("passive")] string Passive,
    [property: JsonPropertyName("active")] string Active,
    [property: JsonPropertyName("inFlight")] int InFlight);
