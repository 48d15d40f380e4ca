namespace OrleansCoord.Proxy.LoadBalancing;

/// <summary>
/// Requests in flight to one instance, on both request paths (<see cref="InFlightRequests"/>). Lock-free: the fast
/// path's event loops and YARP's threads count in it at once.
/// </summary>
internal sealed class InFlightCount
{
    private int _value;

    /// <summary>Requests sent to the instance and not yet answered (or failed).</summary>
    public int Value => Volatile.Read(ref _value);

    public void Enter() => Interlocked.Increment(ref _value);

    public void Leave() => Interlocked.Decrement(ref _value);
}
