namespace OrleansCoord.Proxy.LoadBalancing;

/// <summary>
/// The names our policies are registered under in YARP: the grid's name with a prefix, because YARP compares
/// names case-insensitively and ships its own "Random", "RoundRobin", ... that must not collide with ours.
/// </summary>
internal static class YarpPolicyNames
{
    public const string Prefix = "grid:";

    public static string Of(string gridName) => Prefix + gridName;
}
