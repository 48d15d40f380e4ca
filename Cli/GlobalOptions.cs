using System.CommandLine;
using System.Globalization;
using OrleansCoord.Cli.Sessions;
using OrleansCoord.Cli.Shell;
using OrleansCoord.Client;
using OrleansCoord.Client.Tls;
using OrleansCoord.Errors;

namespace OrleansCoord.Cli;

/// <summary>The options every command accepts (where the grid is, and how to print), and where its session comes from.</summary>
internal sealed class GlobalOptions(ISessionSource sessions)
{
    /// <summary>Where the commands get their session: one per run, or the interactive shell's.</summary>
    public ISessionSource Sessions { get; } = sessions;

    /// <summary>True in the interactive shell, whose one session was opened with the options it started with.</summary>
    public bool InShell => Sessions is ShellSessions;

    /// <summary>Environment variable that supplies <c>--server</c> when the flag is absent.</summary>
    public const string ServerVariable = "COORD_SERVER";

    /// <summary>Environment variable that supplies <c>--cluster-id</c> when the flag is absent.</summary>
    public const string ClusterIdVariable = "COORD_CLUSTER_ID";

    /// <summary>Gateways as host:port[,host:port].</summary>
    /// <value>$COORD_SERVER, else localhost:30000.</value>
    public Option<string> Server { get; } = new("--server")
    {
        Description = $"Gateways as host:port[,host:port] (env {ServerVariable}).",
        HelpName = "host:port",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } fromEnv ? fromEnv : "localhost:30000",
    };

    /// <summary>Print one JSON object per command instead of zkCli's plain text.</summary>
    public Option<bool> Json { get; } = new("--json") { Description = "Print one JSON object per command.", Recursive = true };

    /// <summary>The session timeout to ask for, in seconds; the grid clamps it into 2–60 s.</summary>
    public Option<double> SessionTimeout { get; } = new("--session-timeout")
    {
        Description = "Session timeout to ask for, in seconds (the grid negotiates 2-60).",
        HelpName = "seconds",
        Recursive = true,
        DefaultValueFactory = _ => 10,
    };

    /// <summary>
    /// How long the command waits for what it asks for, in seconds: one meaning wherever it stands on the line. For
    /// most commands that is the grid's answer (connecting and each request); for lock, elect, queue take and barrier
    /// enter it is the lock, the leadership, the message or the other participants (connecting stays bounded by 15 s).
    /// </summary>
    /// <value>Absent: 15 s for an answer; the waits wait until interrupted.</value>
    public Option<double?> Timeout { get; } = new("--timeout")
    {
        Description = "Give up after this many seconds without what the command asks for: the grid's answer (default 15), or the lock, " +
            "leadership, message or participants that lock, elect, queue take and barrier enter wait for (default: until interrupted; 0: look once).",
        HelpName = "seconds",
        Recursive = true,
    };

    /// <summary>Connecting and each request give up after this long when <c>--timeout</c> is absent or bounds a wait instead.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The Orleans cluster id the silos run with.</summary>
    /// <value>$COORD_CLUSTER_ID, else orleanscoord (the SDK's default).</value>
    public Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = $"Orleans cluster id of the grid (env {ClusterIdVariable}).",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(ClusterIdVariable) is { Length: > 0 } fromEnv ? fromEnv : new CoordClientOptions().ClusterId,
    };

    /// <summary>The Orleans service id the silos run with.</summary>
    /// <value>orleanscoord (the SDK's and the silo's default).</value>
    public Option<string> ServiceId { get; } = new("--service-id")
    {
        Description = "Orleans service id of the grid.",
        Recursive = true,
        DefaultValueFactory = _ => new CoordClientOptions().ServiceId,
    };

    /// <summary>Identities the session adds before the command runs, as zkCli's <c>addauth</c>: <c>digest:user:password</c>.</summary>
    public Option<string[]> Auth { get; } = new("--auth")
    {
        Description = "Add an identity to the session first, as zkCli's addauth: digest:user:password (repeatable).",
        HelpName = "scheme:auth",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>PEM bundle of the CAs that signed the silos' certificates: turns on TLS to the gateways (silos with <c>--grid-tls</c>).</summary>
    public Option<string?> Ca { get; } = new("--ca")
    {
        Description = "Connect with TLS (silos run with --grid-tls): PEM bundle of the CAs that signed the silos' certificates.",
        HelpName = "path",
        Recursive = true,
    };

    /// <summary>The client's certificate (PEM, key in it or in <c>--key</c>; or PKCS#12 without password): the session's
    /// <c>x509:SUBJECT</c> identity (proven to the grid, docs/adr/017), and shown to gateways that require one when <c>--ca</c> is given.</summary>
    public Option<string?> Certificate { get; } = new("--certificate")
    {
        Description = "Client certificate (PEM with its key, or its key in --key; or PKCS#12): the session's x509:SUBJECT identity; " +
            "with --ca also shown to a TLS gateway.",
        HelpName = "path",
        Recursive = true,
    };

    /// <summary>The PEM private key of a PEM <c>--certificate</c>.</summary>
    public Option<string?> Key { get; } = new("--key")
    {
        Description = "PEM private key of --certificate, when it is a separate file.",
        HelpName = "path",
        Recursive = true,
    };

    /// <summary>Adds the options to the root command; they are recursive, so they work after the command name too.</summary>
    public void AddTo(RootCommand root)
    {
        root.Add(Server);
        root.Add(Json);
        root.Add(SessionTimeout);
        root.Add(Timeout);
        root.Add(ClusterId);
        root.Add(ServiceId);
        root.Add(Auth);
        root.Add(Ca);
        root.Add(Certificate);
        root.Add(Key);
    }

    /// <summary>The <c>--auth</c> values as (scheme, auth). Throws BadArguments for one without a scheme.</summary>
    public IReadOnlyList<(string Scheme, string Auth)> AuthOf(ParseResult parse) =>
        (parse.GetValue(Auth) ?? []).Select(value => value.IndexOf(':') is var colon and > 0
            ? (value[..colon], value[(colon + 1)..])
            : throw CoordException.BadArguments(null, $"--auth '{value}' is not scheme:auth (e.g. digest:user:password)")).ToList();

    /// <summary>The SDK options for this command line. Throws BadArguments for values no grid could accept.</summary>
    /// <param name="waits">The command waits for a recipe (its <c>--timeout</c> is <see cref="WaitOf"/>, not the request bound).</param>
    public CoordClientOptions ToClientOptions(ParseResult parse, bool waits)
    {
        var servers = CoordClientOptions.ParseServers(parse.GetValue(Server) ?? "");
        if (servers.Count == 0) throw CoordException.BadArguments(null, "--server needs at least one host:port");
        foreach (var server in servers)
        {
            var colon = server.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(server.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is 0 or > 65535)
            {
                throw CoordException.BadArguments(null, $"server '{server}' is not host:port");
            }
        }

        return new CoordClientOptions
        {
            Servers = servers,
            SessionTimeout = Seconds(parse.GetValue(SessionTimeout), "--session-timeout"),
            RequestTimeout = !waits && TimeoutOf(parse) is { } timeout && timeout > TimeSpan.Zero ? timeout : DefaultRequestTimeout,
            ClusterId = parse.GetValue(ClusterId) ?? new CoordClientOptions().ClusterId,
            ServiceId = parse.GetValue(ServiceId) ?? new CoordClientOptions().ServiceId,
            Tls = TlsOf(parse),
            // Without --ca the certificate is proven over the plain connection (docs/adr/017); with it, TLS shows it too.
            Certificate = parse.GetValue(Ca) is null && parse.GetValue(Certificate) is { } certificate
                ? CoordTlsOptions.CertificateFromFiles(certificate, parse.GetValue(Key))
                : null,
        };
    }

    // Read before connecting: a missing or unreadable file is BadArguments naming it, not a failed handshake later.
    private CoordTlsOptions? TlsOf(ParseResult parse)
    {
        var (ca, certificate, key) = (parse.GetValue(Ca), parse.GetValue(Certificate), parse.GetValue(Key));
        if (key is not null && certificate is null) throw CoordException.BadArguments(null, "--key needs --certificate");
        return ca is null ? null : CoordTlsOptions.FromFiles(ca, certificate, key);
    }

    /// <summary>How long a waiting command waits: <c>--timeout</c>, else until interrupted.</summary>
    public TimeSpan WaitOf(ParseResult parse) => TimeoutOf(parse) ?? System.Threading.Timeout.InfiniteTimeSpan;

    private TimeSpan? TimeoutOf(ParseResult parse)
    {
        if (parse.GetValue(Timeout) is not { } seconds) return null;
        if (seconds is >= 0 and <= MaxTimeoutSeconds) return TimeSpan.FromSeconds(seconds);
        throw CoordException.BadArguments(null, $"--timeout must be between 0 and {MaxTimeoutSeconds} seconds, got {seconds.ToString(CultureInfo.InvariantCulture)}");
    }

    private const double MaxTimeoutSeconds = 86_400;

    private static TimeSpan Seconds(double value, string option) =>
        value is > 0 and <= 3600 && double.IsFinite(value)
            ? TimeSpan.FromSeconds(value)
            : throw CoordException.BadArguments(null, $"{option} must be between 0 and 3600 seconds, got {value.ToString(CultureInfo.InvariantCulture)}");
}
