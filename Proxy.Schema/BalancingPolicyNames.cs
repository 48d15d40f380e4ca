namespace OrleansCoord.Client.Proxy;

/// <summary>The balancing policies a cluster may name (<c>--policy</c>), as the CLI and the JSON spell them.</summary>
public static class BalancingPolicyNames
{
    public const string RoundRobin = "round-robin";
    public const string WeightedRoundRobin = "weighted-round-robin";
    public const string LeastRequests = "least-requests";
    public const string PowerOfTwo = "power-of-two";
    public const string Random = "random";
    public const string ConsistentHash = "consistent-hash";

    /// <summary>Every known name, in the order the help text lists them.</summary>
    public static IReadOnlyList<string> All { get; } =
        [RoundRobin, WeightedRoundRobin, LeastRequests, PowerOfTwo, Random, ConsistentHash];

    public static bool IsKnown(string? name) => name is not null && All.Contains(name, StringComparer.Ordinal);
}
