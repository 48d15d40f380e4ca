namespace OrleansCoord.Proxy.Hosting;

/// <summary>The proxy's settings (section <c>Proxy</c>; flags in <see cref="ProxyCommandLine"/>).</summary>
internal sealed class ProxyOptions
{
    /// <summary>The port clients send requests to. <value>8000</value></summary>
    public int Port { get; set; } = 8000;

    /// <summary>The admin port: <c>/healthz</c>, <c>/metrics</c>. <value>8001</value></summary>
    public int AdminPort { get; set; } = 8001;

    /// <summary>HTTPS port (TLS, ALPN h2 and http/1.1), for HTTP/2 clients. <value>0: off</value></summary>
    public int HttpsPort { get; set; }

    /// <summary>Cleartext HTTP/2 port (h2c with prior knowledge, e.g. <c>curl --http2-prior-knowledge</c>). <value>0: off</value></summary>
    public int H2cPort { get; set; }

    /// <summary>The HTTPS port's certificate: a PEM file (certificate, and the key unless <see cref="CertificateKeyPath"/>
    /// names it) or a PKCS#12 (.pfx) file. <value>null: a self-signed certificate for localhost, made at start</value></summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/>, when it is a separate file.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>Password of a .pfx file or an encrypted PEM key (better set as COORD_Proxy__CertificatePassword than as a flag).</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The address the ports listen on. <value>0.0.0.0 (all IPv4 addresses)</value></summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>The admin port's address (docs/adr/016): beyond loopback it speaks TLS with <see cref="AdminCertificatePath"/>
    /// and needs <see cref="AdminClientCaPath"/> or <see cref="AdminUser"/>, unless <see cref="AdminInsecure"/>.
    /// <value>127.0.0.1</value></summary>
    public string AdminListenAddress { get; set; } = "127.0.0.1";

    /// <summary>The admin port's certificate when it speaks TLS: PEM (key in it or in <see cref="AdminCertificateKeyPath"/>)
    /// or PKCS#12 (password: COORD_Proxy__AdminCertificatePassword). <value>null</value></summary>
    public string? AdminCertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="AdminCertificatePath"/>, when it is a separate file.</summary>
    public string? AdminCertificateKeyPath { get; set; }

    /// <summary>Password of <see cref="AdminCertificatePath"/> (environment only, no flag).</summary>
    public string? AdminCertificatePassword { get; set; }

    /// <summary>PEM bundle of the CAs whose client certificates open the admin port. <value>null: none</value></summary>
    public string? AdminClientCaPath { get; set; }

    /// <summary>The admin port's HTTP Basic user (with <see cref="AdminPasswordHash"/>). <value>null: none</value></summary>
    public string? AdminUser { get; set; }

    /// <summary>Its password as <c>pbkdf2_sha256$ITERATIONS$SALT$BASE64</c>. <value>null</value></summary>
    public string? AdminPasswordHash { get; set; }

    /// <summary>Plain HTTP on the admin port beyond loopback, for a TLS terminator of the operator's own (logged).
    /// <value>false</value></summary>
    public bool AdminInsecure { get; set; }

    /// <summary>The admin port's settings as AdminAccess takes them.</summary>
    public OrleansCoord.AdminAccess.AdminPortSettings AdminAccess => new()
    {
        ListenAddress = AdminListenAddress,
        ClientCaPath = NullIfEmpty(AdminClientCaPath),
        User = NullIfEmpty(AdminUser),
        PasswordHash = NullIfEmpty(AdminPasswordHash),
        Insecure = AdminInsecure,
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>The grid's gateways, <c>host:port[,host:port]</c>. <value>localhost:30000</value></summary>
    public string Server { get; set; } = "localhost:30000";

    /// <summary>PEM bundle of the CAs that signed the silos' certificates: the proxy connects to the gateways with TLS
    /// (silos with <c>--grid-tls</c>). Flag <c>--grid-ca</c>. <value>null: plain TCP</value></summary>
    public string? GridCaPath { get; set; }

    /// <summary>The proxy's client certificate for TLS gateways (PEM with its key, or its key in <see cref="GridKeyPath"/>;
    /// or PKCS#12). Flag <c>--grid-certificate</c>. <value>null: none</value></summary>
    public string? GridCertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="GridCertificatePath"/>. Flag <c>--grid-key</c>.</summary>
    public string? GridKeyPath { get; set; }

    /// <summary>Password of a PKCS#12 <see cref="GridCertificatePath"/> or an encrypted PEM key: key only
    /// (<c>COORD_Proxy__GridCertificatePassword</c>), no flag, so that it does not show in the process list.</summary>
    public string? GridCertificatePassword { get; set; }

    /// <summary>The files of <see cref="GridCaPath"/> and <see cref="GridCertificatePath"/>, read by <see cref="Validate"/>.</summary>
    public Client.Tls.CoordTlsOptions? GridTls { get; private set; }

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

    /// <summary>On the fast path, a client that takes no byte of its answer for this long is disconnected (nginx's
    /// <c>send_timeout</c>, also 60 s); Kestrel's path applies Kestrel's minimum response data rate instead.
    /// <value>00:01:00</value></summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest a client may take over a request head, from its first byte (nginx's <c>client_header_timeout</c>,
    /// Kestrel's <c>RequestHeadersTimeout</c>): past it the connection is closed (the fast path, as nginx) or answered 408
    /// and closed (Kestrel), so a client that trickles its head in (slowloris) cannot hold a connection for longer.
    /// <value>00:00:30 (Kestrel's default; nginx's is 60 s)</value></summary>
    public TimeSpan HeaderTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest a client may take over its TLS handshake on the HTTPS port, from its arrival: past it the
    /// connection is closed unanswered (both paths; Kestrel's <c>HandshakeTimeout</c>). <value>00:00:10 (Kestrel's default)</value></summary>
    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest request body accepted (nginx client_max_body_size); 413 above it. <value>1 MiB</value></summary>
    public long MaxRequestBodySize { get; set; } = 1024 * 1024;

    /// <summary>Largest request body kept in memory so that an idempotent request can be retried on another instance;
    /// a larger body (or one without Content-Length) is streamed and not retried. 0: no request with a body is retried.
    /// <value>64 KiB</value></summary>
    public long RetryBodyLimit { get; set; } = 64 * 1024;

    /// <summary>This proxy's name in the grid: its status znode is <c>/proxy/status/&lt;id&gt;</c>. Give each proxy its own.
    /// <value>null: the host name and the port, e.g. <c>web1-8000</c> (<see cref="StatusId"/>)</value></summary>
    public string? Id { get; set; }

    /// <summary>The id in use: <see cref="Id"/>, or the host name and the port.</summary>
    public string StatusId => string.IsNullOrEmpty(Id) ? $"{System.Net.Dns.GetHostName()}-{Port}" : Id;

    /// <summary>How often the status znode is looked at; it is written only when it changed. <value>1 s</value></summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Stop when standard input closes. The silo that starts a proxy sets it: however the silo ends, even by
    /// SIGKILL, its end of the pipe closes, and the proxy does not outlive it holding its ports. <value>false</value></summary>
    public bool StopWithStandardInput { get; set; }

    /// <summary>The HTTP/1.1 fast path on the main port (Proxy.FastPath/, Linux): <c>on</c> or <c>off</c> (every request through
    /// Kestrel and YARP). <value>on</value></summary>
    public string FastPath { get; set; } = "on";

    public bool UseFastPath => FastPath == "on";

    /// <summary>The fast path's event loops, threads that each serve their share of the connections (nginx's
    /// <c>worker_processes</c>); 0: one per core. <value>0</value></summary>
    public int Loops { get; set; }

    public int LoopCount => Loops > 0 ? Loops : Environment.ProcessorCount;

    /// <summary>Most client connections open at once on the proxied ports (nginx's <c>worker_connections</c>); a connection
    /// past it is closed on arrival. <value>0: no limit</value></summary>
    public int MaxConnections { get; set; }

    /// <summary>Write one nginx "combined" line per request to stdout. <value>false</value></summary>
    public bool AccessLog { get; set; }

    /// <summary>Forward request headers whose names contain an underscore (nginx's <c>underscores_in_headers</c>). Off, as
    /// in nginx, they are dropped: an upstream that maps header names to variables (CGI, WSGI, PHP: <c>HTTP_X_FORWARDED_FOR</c>)
    /// cannot tell <c>X_Forwarded_For</c> from the <c>X-Forwarded-For</c> the proxy writes. <value>false</value></summary>
    public bool UnderscoresInHeaders { get; set; }

    /// <summary>Problems that make the options unusable; empty when fine.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Port is < 1 or > 65535) errors.Add($"--port must be 1-65535, got {Port}");
        if (AdminPort is < 1 or > 65535) errors.Add($"--admin-port must be 1-65535, got {AdminPort}");
        if (HttpsPort is < 0 or > 65535) errors.Add($"--https-port must be 1-65535 (0: off), got {HttpsPort}");
        if (H2cPort is < 0 or > 65535) errors.Add($"--h2c-port must be 1-65535 (0: off), got {H2cPort}");
        int[] ports = [Port, AdminPort, .. new[] { HttpsPort, H2cPort }.Where(p => p != 0)];
        if (ports.Distinct().Count() != ports.Length) errors.Add($"--port, --admin-port, --https-port and --h2c-port must differ, got {string.Join(", ", ports)}");
        if (CertificateKeyPath is { Length: > 0 } && CertificatePath is not { Length: > 0 }) errors.Add("--certificate-key needs --certificate");
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
        ValidateGridTls(errors);
        if (FastPath is not ("on" or "off")) errors.Add($"--fast-path must be on or off, got '{FastPath}'");
        if (Loops is < 0 or > 256) errors.Add($"--loops must be 0-256 (0: one per core), got {Loops}");
        if (MaxConnections < 0) errors.Add($"--max-connections must not be negative (0: no limit), got {MaxConnections}");
        if (MaxRequestBodySize < 0) errors.Add($"--max-body-size must not be negative, got {MaxRequestBodySize}");
        if (RetryBodyLimit is < 0 or > 16 * 1024 * 1024) errors.Add($"--retry-body-limit must be 0-16777216, got {RetryBodyLimit}");
        if (!OrleansCoord.Client.Proxy.ProxyPaths.IsValidId(StatusId)) errors.Add($"--id '{StatusId}' may hold only letters, digits, '.', '_' and '-'");
        if (StatusInterval < TimeSpan.FromMilliseconds(100)) errors.Add($"--status-interval must be at least 00:00:00.1, got {StatusInterval}");
        if (GridTimeout <= TimeSpan.Zero || ResyncInterval <= TimeSpan.Zero || UpstreamTimeout <= TimeSpan.Zero || SendTimeout <= TimeSpan.Zero
            || HeaderTimeout <= TimeSpan.Zero || TlsHandshakeTimeout <= TimeSpan.Zero) errors.Add("timeouts must be positive");
        return errors;
    }

    // The files are read now: a missing or unreadable one is a usage error, not a proxy that never reaches the grid.
    private void ValidateGridTls(List<string> errors)
    {
        if (GridCaPath is not { Length: > 0 })
        {
            if (GridCertificatePath is { Length: > 0 } || GridKeyPath is { Length: > 0 }) errors.Add("--grid-certificate and --grid-key need --grid-ca");
            return;
        }

        if (GridKeyPath is { Length: > 0 } && GridCertificatePath is not { Length: > 0 }) errors.Add("--grid-key needs --grid-certificate");
        try
        {
            GridTls = Client.Tls.CoordTlsOptions.FromFiles(GridCaPath, NullIfEmpty(GridCertificatePath), NullIfEmpty(GridKeyPath), GridCertificatePassword);
        }
        catch (OrleansCoord.Errors.CoordException exception)
        {
            errors.Add($"--grid-ca/--grid-certificate: {exception.Detail}");
        }
    }
}
