using OrleansCoord.Client.Tls;

namespace OrleansCoord.Client;

/// <summary>How a <see cref="CoordClient"/> reaches the grid and what session it asks for.</summary>
public sealed class CoordClientOptions
{
    /// <summary>Gateways as <c>host:port</c>; the client fails over between them.</summary>
    /// <value>localhost:30000</value>
    public IList<string> Servers { get; set; } = ["localhost:30000"];

    /// <summary>The session timeout to ask for; the grid negotiates it into 2–60 s.</summary>
    /// <value>10 seconds.</value>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <value>orleanscoord</value>
    public string ClusterId { get; set; } = "orleanscoord";

    /// <value>orleanscoord</value>
    public string ServiceId { get; set; } = "orleanscoord";

    /// <summary>How long one request may take before it fails with OperationTimeout.</summary>
    /// <value>30 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the watched znodes are read back to catch a change whose event was lost, as a safety net next to
    /// the resyncs after a reconnection or a lost gateway. Zero turns the periodic check off.
    /// </summary>
    /// <value>30 seconds.</value>
    public TimeSpan WatchCheckPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>TLS to the gateways, for a grid whose silos run with <c>--grid-tls</c>; <see cref="CoordTlsOptions.FromFiles"/>
    /// reads the usual files.</summary>
    /// <value>null: plain TCP (a TLS gateway refuses it).</value>
    public CoordTlsOptions? Tls { get; set; }

    /// <summary>Parses <c>host:port[,host:port...]</c>.</summary>
    public static IList<string> ParseServers(string servers) =>
        servers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
