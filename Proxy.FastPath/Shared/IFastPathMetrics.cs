namespace OrleansCoord.Proxy.FastPath;

/// <summary>Where the fast path counts what it serves: the proxy's metrics, which YARP's path counts in too.</summary>
internal interface IFastPathMetrics
{
    /// <summary>One answered request, as YARP's path records one (route "" when none matched).</summary>
    void Record(string route, string instance, int status, TimeSpan elapsed);

    /// <summary>One request the fast path answered itself.</summary>
    void RecordFastPathRequest();

    /// <summary>One connection handed to Kestrel and YARP, and why.</summary>
    void RecordHandoff(string reason);
}
