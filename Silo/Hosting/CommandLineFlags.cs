namespace OrleansCoord.Silo.Hosting;

/// <summary>
/// The silo's command-line flags and the configuration keys they set. The CLI and the benchmarks start
/// silos with these exact names, so they are a contract: add flags, never rename one.
/// </summary>
/// <remarks>
/// Hand-parsed rather than via <c>AddCommandLine</c> so that an unknown flag or a missing value is an error
/// (exit code 2) instead of a silently ignored configuration key.
/// </remarks>
internal static class CommandLineFlags
{
    /// <summary>Flag → configuration key.</summary>
    public static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--storage"] = "Storage:Profile",
        ["--connection-string"] = "Storage:ConnectionString",
        ["--azurite-dir"] = "Storage:AzuriteDir",
        ["--azurite-ports"] = "Storage:AzuritePorts",
        ["--postgres-dir"] = "Storage:PostgresDir",
        ["--watch-streams"] = "Storage:WatchStreams",
        ["--silo-port"] = "Endpoints:SiloPort",
        ["--gateway-port"] = "Endpoints:GatewayPort",
        ["--http-port"] = "Endpoints:HttpPort",
        ["--advertised-ip"] = "Endpoints:AdvertisedIp",
        ["--http-listen"] = "Http:ListenAddress",
        ["--http-client-ca"] = "Http:ClientCaPath",
        ["--http-user"] = "Http:User",
        ["--http-password-hash"] = "Http:PasswordHash",
        ["--http-insecure"] = "Http:Insecure",
        ["--cluster-id"] = "Cluster:ClusterId",
        ["--service-id"] = "Cluster:ServiceId",
        ["--grain-directory"] = "Cluster:GrainDirectory",
        ["--zk-port"] = "Endpoints:ZooKeeperPort",
        ["--4lw-whitelist"] = "Endpoints:FourLetterWordWhitelist",
        ["--zk-secure-port"] = "Endpoints:ZooKeeperSecurePort",
        ["--tls-certificate"] = "Tls:CertificatePath",
        ["--tls-key"] = "Tls:KeyPath",
        ["--tls-ca"] = "Tls:CaPath",
        ["--require-client-certificate"] = "Tls:RequireClientCertificate",
        ["--grid-tls"] = "Tls:Grid",
        ["--super-digest"] = "Cluster:SuperDigest",
        ["--credential-lifetime"] = "Cluster:CredentialLifetimeSeconds",
        ["--proxy-port"] = "Proxy:Port",
        ["--proxy-admin-port"] = "Proxy:AdminPort",
        ["--dashboard"] = "Dashboard:Mode",
        ["--explorer-edit"] = "Explorer:Edit",
    };

    /// <summary>Flags that may stand alone, meaning true (<c>--require-client-certificate</c>); they still take
    /// <c>=false</c>, or a following <c>true</c>/<c>false</c>.</summary>
    private static readonly HashSet<string> Switches = new(StringComparer.Ordinal) { "--require-client-certificate", "--http-insecure", "--grid-tls", "--explorer-edit" };

    public const string Usage = """
        Usage: dotnet run --project Silo -- [flags]

          --storage AzureStorage|Postgres|Memory
                                          storage profile (default AzureStorage; see docs/adr/012 for Postgres)
          --connection-string S           Azure Storage connection string (default UseDevelopmentStorage=true), or
                                          for Postgres an Npgsql one (default: the local PostgreSQL on 127.0.0.1:5432,
                                          started by the silo when none listens)
          --azurite-dir PATH              data folder of an Azurite the silo starts (default <repo>/.data/azurite)
          --postgres-dir PATH             data folder of a PostgreSQL the silo starts (default <repo>/.data/postgres)
          --azurite-ports B,Q,T           blob,queue,table ports of an Azurite the silo starts for a devstoreaccount1
                                          connection string on them (default 10000,10001,10002)
          --watch-streams Memory|AzureQueue
                                          how watch events reach the watch shards (default Memory: pushed; docs/adr/014)
          --silo-port N                   silo-to-silo port (default 11111)
          --gateway-port N                client gateway port (default 30000)
          --http-port N                   /healthz, /dashboard, /explorer, /metrics, /commands (default 8080)
          --http-listen IP                its address (default loopback; beyond it the port speaks TLS with
                                          --tls-certificate and needs --http-client-ca or --http-user; docs/adr/016)
          --http-client-ca PATH           PEM bundle of the CAs whose client certificates open the HTTP port
          --http-user NAME                the HTTP Basic user of the HTTP port (needs --http-password-hash)
          --http-password-hash HASH       its password as pbkdf2_sha256$ITERATIONS$SALT$BASE64 (see README)
          --http-insecure                 plain HTTP beyond loopback, for a TLS terminator of your own (logged)
          --zk-port N                     ZooKeeper wire protocol for ZooKeeper clients (default 2181; 0 = off)
          --4lw-whitelist W,W|*           four-letter words answered there (default srvr, as ZooKeeper's)
          --zk-secure-port N              the ZooKeeper protocol over TLS, as ZooKeeper's secureClientPort (default 0 = off;
                                          needs --tls-certificate; a client certificate gives the identity x509:SUBJECT)
          --tls-certificate PATH          the silo's certificate: PEM (key in it or in --tls-key) or PKCS#12
                                          (password: COORD_Tls__CertificatePassword)
          --tls-key PATH                  PEM private key of a PEM certificate
          --tls-ca PATH                   PEM bundle of the CAs that sign client certificates (without it no client
                                          certificate is asked for)
          --require-client-certificate    refuse TLS clients (ZooKeeper secure port; gateway with --grid-tls)
                                          without a certificate from --tls-ca
          --grid-tls                      silo-to-silo and gateway connections over TLS with --tls-certificate;
                                          peers and clients checked against --tls-ca (needed); every silo and
                                          client of the grid must use it (SDK/CLI: --ca)
          --proxy-port N                  reverse proxy started with the silo (default 8000; 0 = none)
          --proxy-admin-port N            its /healthz and /metrics (default 8001)
          --advertised-ip IP              address announced to other silos (default loopback)
          --cluster-id S                  cluster to join (default orleanscoord)
          --service-id S                  service whose state and tree to use (default orleanscoord)
          --grain-directory Default|Distributed
                                          grain directory (default Default; see docs/adr/005)
          --super-digest USER:HASH        a digest id (user:base64(sha1(user:password))) that passes every ACL check
          --credential-lifetime SECONDS   how long a session's signed credential is valid before its renewal (default 60,
                                          1-3600; an ended session's credential stops working this long + 5 s later)
          --dashboard on|off              the Orleans dashboard at /dashboard (default on; off saves its per-call
                                          filter and its once-a-second metrics export, see docs/BENCHMARKS-HISTORY.md)
          --explorer-edit                 the grid explorer (/explorer) may create, set and delete znodes for a user
                                          who signs in with a digest identity; the znodes' ACLs decide (default off)
          --help                          this text

        Every flag has a configuration key (Storage:Profile, Endpoints:SiloPort, ...) that appsettings.json
        and COORD_-prefixed environment variables (COORD_Storage__Profile) can set too; flags win.
        """;

    /// <summary>True when the arguments ask for help.</summary>
    public static bool IsHelp(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");

    /// <summary>Parses <c>--flag value</c> and <c>--flag=value</c> into configuration keys; collects every error.</summary>
    public static Dictionary<string, string?> Parse(string[] args, List<string> errors)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var eq = arg.IndexOf('=');
            var flag = eq > 0 ? arg[..eq] : arg;
            if (!Keys.TryGetValue(flag, out var key))
            {
                errors.Add(flag.StartsWith('-') ? $"unknown flag {flag}" : $"unexpected argument '{arg}'");
                continue;
            }

            if (eq > 0)
            {
                values[key] = arg[(eq + 1)..];
            }
            else if (Switches.Contains(flag))
            {
                var next = i + 1 < args.Length ? args[i + 1] : null;
                values[key] = next is not null && bool.TryParse(next, out _) ? args[++i] : "true";
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                values[key] = args[++i];
            }
            else
            {
                errors.Add($"{flag} needs a value");
            }
        }

        return values;
    }

    /// <summary>The flag that sets a configuration key, for error messages.</summary>
    public static string FlagFor(string key) =>
        Keys.FirstOrDefault(pair => string.Equals(pair.Value, key, StringComparison.OrdinalIgnoreCase)).Key ?? key;
}
