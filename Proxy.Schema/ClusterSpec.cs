using System.Text.Json.Serialization;

namespace OrleansCoord.Client.Proxy;

/// <summary>
/// How a cluster's instances are balanced and checked, stored as JSON at <c>/proxy/clusters/&lt;id&gt;</c>:
/// <c>{"policy":"consistent-hash","hashKey":"header:X-User","healthPath":"/healthz","healthIntervalSeconds":5,
/// "maxFails":1,"failTimeoutSeconds":10,"retries":2}</c>. Every field may be left out; the defaults are nginx's.
/// </summary>
/// <param name="Policy">One of <see cref="BalancingPolicyNames"/>. <value>round-robin</value></param>
/// <param name="HashKey">For consistent-hash: <c>header:NAME</c>, <c>cookie:NAME</c>, <c>ip</c> or <c>path</c>.</param>
/// <param name="HealthPath">Active probes: GET this path on each instance (off when absent).</param>
/// <param name="HealthIntervalSeconds">Seconds between active probes. <value>5</value></param>
/// <param name="MaxFails">Passive health: failures within <paramref name="FailTimeoutSeconds"/> that take an instance out
/// for <paramref name="FailTimeoutSeconds"/> (nginx max_fails; 0 turns it off). <value>1</value></param>
/// <param name="FailTimeoutSeconds">nginx fail_timeout. <value>10</value></param>
/// <param name="Retries">How many other instances an idempotent request is tried on after a connection failure. <value>2</value></param>
public sealed record ClusterSpec(
    [property: JsonPropertyName("policy")] string Policy = BalancingPolicyNames.RoundRobin,
    [property: JsonPropertyName("hashKey"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? HashKey = null,
    [property: JsonPropertyName("healthPath"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? HealthPath = null,
    [property: JsonPropertyName("healthIntervalSeconds")] double HealthIntervalSeconds = 5,
    [property: JsonPropertyName("maxFails")] int MaxFails = 1,
    [property: JsonPropertyName("failTimeoutSeconds")] double FailTimeoutSeconds = 10,
    [property: JsonPropertyName("retries")] int Retries = 2)
{
    /// <summary>The settings of a cluster that has no znode of its own.</summary>
    public static ClusterSpec Default { get; } = new();

    /// <summary>Every problem with these settings, for the id they are stored under; empty when usable.</summary>
    public IReadOnlyList<string> Validate(string id)
    {
        var errors = new List<string>();
        if (!ProxyPaths.IsValidId(id)) errors.Add($"cluster id '{id}' may hold only letters, digits, '.', '_' and '-'");
        if (!BalancingPolicyNames.IsKnown(Policy))
        {
            errors.Add($"unknown policy '{Policy}' (known: {string.Join(", ", BalancingPolicyNames.All)})");
        }

        if (HashKey is not null && Proxy.HashKey.TryParse(HashKey) is null)
        {
            errors.Add($"hash key '{HashKey}' is not header:NAME, cookie:NAME, ip or path");
        }

        if (Policy == BalancingPolicyNames.ConsistentHash && HashKey is null) errors.Add("consistent-hash needs a hash key");
        if (HealthPath is not null && !HealthPath.StartsWith('/')) errors.Add($"health path '{HealthPath}' must start with '/'");
        if (!(HealthIntervalSeconds is >= 0.1 and <= 3600)) errors.Add($"health interval must be 0.1-3600 seconds, got {HealthIntervalSeconds}");
        if (MaxFails is < 0 or > 1000) errors.Add($"max fails must be 0-1000, got {MaxFails}");
        if (!(FailTimeoutSeconds is >= 0.1 and <= 3600)) errors.Add($"fail timeout must be 0.1-3600 seconds, got {FailTimeoutSeconds}");
        if (Retries is < 0 or > 100) errors.Add($"retries must be 0-100, got {Retries}");
        return errors;
    }
}
