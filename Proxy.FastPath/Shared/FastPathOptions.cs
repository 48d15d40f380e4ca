namespace OrleansCoord.Proxy.FastPath;

/// <summary>The proxy's settings the fast path reads, given by the host (Proxy/Hosting/FastPathHosting.cs maps them
/// from the proxy's options); each means what the proxy's flag of the same name means.</summary>
internal sealed class FastPathOptions
{
    public required string ListenAddress { get; init; }

    public required int Port { get; init; }

    /// <summary>Event loops (<c>--loops</c>).</summary>
    public required int LoopCount { get; init; }

    public required TimeSpan SendTimeout { get; init; }

    public required bool UnderscoresInHeaders { get; init; }

    public required long MaxRequestBodySize { get; init; }

    public required long RetryBodyLimit { get; init; }

    /// <summary>Whether requests are written to the access log.</summary>
    public required bool AccessLog { get; init; }
}
