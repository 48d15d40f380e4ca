namespace OrleansCoord.Proxy.LoadBalancing;

/// <summary>Randomness for the policies, injected so that tests can script it.</summary>
internal interface IRandomSource
{
    /// <summary>A number in [0, <paramref name="maxExclusive"/>).</summary>
    int Next(int maxExclusive);
}

/// <summary>The shared thread-safe generator.</summary>
internal sealed class SharedRandomSource : IRandomSource
{
    public int Next(int maxExclusive) => Random.Shared.Next(maxExclusive);
}
