namespace OrleansCoord.Proxy.Hosting;

/// <summary>The proxy's settings (section <c>Proxy</c>; flags in <see cref="ProxyCommandLine"/>).</summary>
internal sealed class ProxyOptions
{
    /// <summary>The port clients send requests to. <value>8000</value></summary>
    public int Port { get; set; } = 8000;

    /// <summary>The admin port: <c>/healthz</c>, <c>/metrics</c>. <value>8001</value></summary>
    public int AdminPort { get; set; } = 8001;

    /// <summary>The address both ports listen on. <value>0.0.0.0 (all IPv4 addresses)</value></summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>The grid's gateways, <c>host:port[,host:port]</c>. <value>localhost:30000</value></summary>
    public string Server { get; set; } = "localhost:30000";

    /// <value>orleanscoord</value>
    public string ClusterId { get; set; } = "orleanscoord";

    /// <value>orleanscoord</value>
    public string ServiceId { get; set; } = "orleanscoord";

    /// <summary>Where the last configuration read from the grid is kept. <value>.data/proxy/snapshot.json</value></summary>
    public string SnapshotPath { get; set; } = Path.Combine(".data", "proxy", "snapshot.json");

    /// <summary>Bound on each grid request; past it the proxy reconnects (and keeps serving). <value>5 s</value></summary>
    public TimeSpan GridTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Full re-read of the configuration even without events, in case a watch event was lost. <value>10 s</value></summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest silence from an upstream during a request (nginx proxy_read_timeout). <value>60 s</value></summary>
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest request body accepted (nginx client_max_body_size); 413 above it. <value>1 MiB</value></summary>
    public long MaxRequestBodySize { get; set; } = 1024 * 1024;

    /// <summary>Write one nginx "combined" line per request to stdout. <value>false</value></summary>
    public bool AccessLog { get; set; }

    /// <summary>Problems that make the options unusable; empty when fine.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Port is < 1 or > 65535) errors.Add($"--port must be 1-65535, got {Port}");
        if (AdminPort is < 1 or > 65535) errors.Add($"--admin-port must be 1-65535, got {AdminPort}");
        if (Port == AdminPort) errors.Add("--port and --admin-port must differ");
        if (!System.Net.IPAddress.TryParse(ListenAddress, out _)) errors.Add($"--listen '{ListenAddress}' is not an IP address");
        var servers = OrleansCoord.Client.CoordClientOptions.ParseServers(Server ?? "");
        if (servers.Count == 0) errors.Add("--server needs at least one host:port");
        foreach (var server in servers)
        {
            var colon = server.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(server.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
                || port is 0 or > 65535)
            {
                errors.Add($"--server '{server}' is not host:port");
            }
        }
        if (MaxRequestBodySize < 0) errors.Add($"--max-body-size must not be negative, got {MaxRequestBodySize}");
        if (GridTimeout <= TimeSpan.Zero || ResyncInterval <= TimeSpan.Zero || UpstreamTimeout <= TimeSpan.Zero) errors.Add("timeouts must be positive");
        return errors;
    }
}
