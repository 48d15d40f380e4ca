using OrleansCoord.Grains.Hosting;
using OrleansCoord.Silo.Launchers;

namespace OrleansCoord.Silo.Hosting;

/// <summary>
/// Everything the silo host reads from configuration (appsettings.json, then <c>COORD_</c> environment
/// variables such as <c>COORD_Storage__Profile</c>, then command-line flags). The sections mirror the
/// configuration keys: <c>Storage:Profile</c>, <c>Endpoints:SiloPort</c>, <c>Cluster:ClusterId</c>, …
/// </summary>
public sealed class SiloHostOptions
{
    /// <summary>Where state, membership and the tree live.</summary>
    public StorageSettings Storage { get; set; } = new();

    /// <summary>Ports and addresses.</summary>
    public EndpointSettings Endpoints { get; set; } = new();

    /// <summary>Which cluster this silo joins.</summary>
    public ClusterSettings Cluster { get; set; } = new();

    /// <summary>The reverse proxy the silo starts next to itself.</summary>
    public ProxySettings Proxy { get; set; } = new();

    /// <summary>The silo's certificate and the CAs it trusts for client certificates (Tls/, docs/adr/015).</summary>
    public TlsSettings Tls { get; set; } = new();

    /// <summary>Who may use the HTTP port (<see cref="EndpointSettings.HttpPort"/>): its address, TLS and credentials
    /// (AdminAccess/, docs/adr/016). Flags <c>--http-listen</c>, <c>--http-client-ca</c>, <c>--http-user</c>,
    /// <c>--http-password-hash</c>, <c>--http-insecure</c>; keys <c>Http:ListenAddress</c>, ….</summary>
    /// <value>Loopback, plain HTTP, open (as before).</value>
    public OrleansCoord.AdminAccess.AdminPortSettings Http { get; set; } = new();

    /// <summary>Whether the silo serves the Orleans dashboard (silos, grains, calls) under <c>/dashboard</c>. Flag
    /// <c>--dashboard</c>, key <c>Dashboard:Mode</c>.</summary>
    /// <value><see cref="DashboardMode.On"/></value>
    /// <remarks>On, the dashboard runs a filter on every grain call and exports Orleans' metrics every second; two of
    /// those gauges walk every activation, so its cost grows with the number of active znodes. Benchmarks say which
    /// setting they use.</remarks>
    public DashboardMode Dashboard { get; set; } = DashboardMode.On;

    /// <summary>Whether the grid explorer (<c>/explorer</c>) may create, set and delete znodes, for a user who signs in
    /// with a digest identity (the znodes' ACLs decide). Flag <c>--explorer-edit</c>, key <c>Explorer:Edit</c>.</summary>
    /// <value>false: read-only.</value>
    public bool ExplorerEdit { get; set; }

    /// <summary>The <c>Storage</c> section.</summary>
    public sealed class StorageSettings
    {
        /// <summary>Flag <c>--storage</c>.</summary>
        /// <value><see cref="StorageProfile.AzureStorage"/></value>
        public StorageProfile Profile { get; set; } = StorageProfile.AzureStorage;

        /// <summary>The storage's connection string: Azure Storage's for AzureStorage, Npgsql's for Postgres. Flag <c>--connection-string</c>.</summary>
        /// <value>AzureStorage: <c>UseDevelopmentStorage=true</c> (Azurite on 127.0.0.1:10000-10002). Postgres: user, password
        /// and database <c>orleanscoord</c> on 127.0.0.1:5432 (Silo.Launchers/Postgres/EmbeddedPostgres).</value>
        /// <remarks>With the default connection string and nothing listening the silo starts Azurite, or PostgreSQL, itself.</remarks>
        public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

        /// <summary>Where an Azurite started by the silo keeps its data. Flag <c>--azurite-dir</c>.</summary>
        /// <value><c>&lt;repo root&gt;/.data/azurite</c>; the repo root is the nearest folder holding OrleansCoord.sln, else the current directory.</value>
        public string AzuriteDir { get; set; } = Path.Combine(RepoRoot.FindOrCurrent(), ".data", "azurite");

        /// <summary>Where a PostgreSQL started by the silo keeps its data (initdb makes it on first use). Flag <c>--postgres-dir</c>.</summary>
        /// <value><c>&lt;repo root&gt;/.data/postgres</c></value>
        public string PostgresDir { get; set; } = Path.Combine(RepoRoot.FindOrCurrent(), ".data", "postgres");

        /// <summary>Blob, queue and table ports of the local Azurite: an explicit devstoreaccount1 connection string on
        /// these loopback ports lets the silo start Azurite on them (so that several development grids can share a
        /// machine). Flag <c>--azurite-ports</c> (<c>BLOB,QUEUE,TABLE</c>).</summary>
        /// <value>10000, 10001, 10002 (what <c>UseDevelopmentStorage=true</c> means).</value>
        public int[] AzuritePorts { get; set; } = [.. Launchers.Azurite.DevelopmentStorage.Ports];

        /// <summary>How watch events reach the watch shards: pushed by grain calls, or on Azure queues in the storage of
        /// <see cref="ConnectionString"/> (events survive a silo's death; slower); the shards push on to the watchers either
        /// way (docs/adr/014). All silos of a cluster must agree. Flag <c>--watch-streams</c>.</summary>
        /// <value><see cref="WatchStreamKind.Memory"/></value>
        public WatchStreamKind WatchStreams { get; set; } = WatchStreamKind.Memory;
    }

    /// <summary>The <c>Endpoints</c> section.</summary>
    public sealed class EndpointSettings
    {
        /// <summary>Silo-to-silo port. Flag <c>--silo-port</c>.</summary>
        /// <value>11111</value>
        public int SiloPort { get; set; } = 11111;

        /// <summary>Port where clients (SDK, CLI, proxy) connect. Flag <c>--gateway-port</c>.</summary>
        /// <value>30000</value>
        public int GatewayPort { get; set; } = 30000;

        /// <summary>Port of <c>/healthz</c> and <c>/dashboard</c>. Flag <c>--http-port</c>.</summary>
        /// <value>8080</value>
        public int HttpPort { get; set; } = 8080;

        /// <summary>The address other silos and clients use to reach this one. Flag <c>--advertised-ip</c>.</summary>
        /// <value>null: loopback, and every port listens on loopback only.</value>
        /// <remarks>When set, the silo and gateway listen on this address; the HTTP port stays on loopback unless
        /// <c>--http-listen</c> says otherwise (docs/adr/016).</remarks>
        public string? AdvertisedIp { get; set; }

        /// <summary>Port of the ZooKeeper wire protocol, for ZooKeeper's own clients (zkCli.sh, kazoo, Curator). Flag <c>--zk-port</c>.</summary>
        /// <value>2181, ZooKeeper's; 0 turns the endpoint off.</value>
        public int ZooKeeperPort { get; set; } = 2181;

        /// <summary>
        /// The four-letter words the ZooKeeper port answers, as ZooKeeper's <c>4lw.commands.whitelist</c>: comma-separated,
        /// <c>*</c> for all; srvr is always on. Flag <c>--4lw-whitelist</c>.
        /// </summary>
        /// <value><c>srvr</c>, ZooKeeper's default.</value>
        public string FourLetterWordWhitelist { get; set; } = "srvr";

        /// <summary>Port of the ZooKeeper wire protocol over TLS, as ZooKeeper's <c>secureClientPort</c>: the same
        /// protocol with the <c>Tls</c> section's certificate; a verified client certificate gives its connection the
        /// identity <c>x509:</c>subject. Flag <c>--zk-secure-port</c>.</summary>
        /// <value>0: off. Needs <see cref="TlsSettings.CertificatePath"/>.</value>
        public int ZooKeeperSecurePort { get; set; }
    }

    /// <summary>The <c>Cluster</c> section.</summary>
    public sealed class ClusterSettings
    {
        /// <summary>Silos with the same cluster id find each other through the clustering table. Flag <c>--cluster-id</c>.</summary>
        /// <value>orleanscoord</value>
        public string ClusterId { get; set; } = "orleanscoord";

        /// <summary>Names the service's stored grain state and tree table (CoordGridOptions.TableNameFor); keep it across deployments. Flag <c>--service-id</c>.</summary>
        /// <value>orleanscoord</value>
        public string ServiceId { get; set; } = CoordGridOptions.DefaultServiceId;

        /// <summary>A digest id, <c>user:base64(sha1(user:password))</c>, whose holder (after <c>addauth digest user:password</c>,
        /// or the SDK's <c>AddAuthAsync</c>) passes every ACL check, as ZooKeeper's <c>zookeeper.DigestAuthenticationProvider.superDigest</c>.
        /// All silos of a cluster should agree. Flag <c>--super-digest</c>.</summary>
        /// <value>null: no superuser.</value>
        public string? SuperDigest { get; set; }

        /// <summary>How long a credential the grid issues is valid; sessions renew theirs while they live, so this bounds
        /// how long a credential of an ended session still works (plus a 5 s clock tolerance; docs/adr/017). All silos of a
        /// cluster should agree. Flag <c>--credential-lifetime</c>.</summary>
        /// <value>60 (seconds); 1-3600.</value>
        public int CredentialLifetimeSeconds { get; set; } = 60;

        /// <summary>Which grain directory the silos use; all silos of a cluster must agree. Flag <c>--grain-directory</c>.</summary>
        /// <value><see cref="GrainDirectoryChoice.Default"/></value>
        public GrainDirectoryChoice GrainDirectory { get; set; } = GrainDirectoryChoice.Default;
    }

    /// <summary>The <c>Proxy</c> section: the reverse proxy started as a child process of the silo host (an Orleans
    /// client of this silo's gateway, never part of the silo).</summary>
    public sealed class ProxySettings
    {
        /// <summary>The proxy's port. Flag <c>--proxy-port</c>.</summary>
        /// <value>8000; 0: no proxy is started (run it yourself with <c>dotnet run --project Proxy</c>).</value>
        /// <remarks>Give only one silo per machine a proxy port, or each its own.</remarks>
        public int Port { get; set; } = 8000;

        /// <summary>The proxy's admin port (<c>/healthz</c>, <c>/metrics</c>). Flag <c>--proxy-admin-port</c>.</summary>
        /// <value>8001</value>
        public int AdminPort { get; set; } = 8001;
    }
}

/// <summary>The <c>Tls</c> section: files in the formats operators already have (PEM or PKCS#12), read once at start.</summary>
/// <remarks>The ZooKeeper secure port uses them, with <see cref="Grid"/> the silo-to-silo and gateway connections, and
/// the HTTP port when it speaks TLS (docs/adr/016, which takes its own client CA bundle).</remarks>
public sealed class TlsSettings
{
    /// <summary>The silo's certificate: PEM (with its key in the same file or in <see cref="KeyPath"/>; certificates
    /// after the first are sent as its chain) or PKCS#12. Flag <c>--tls-certificate</c>.</summary>
    /// <value>null: no TLS port can be served.</value>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of a PEM <see cref="CertificatePath"/>. Flag <c>--tls-key</c>.</summary>
    /// <value>null: the key is in the certificate file.</value>
    public string? KeyPath { get; set; }

    /// <summary>Password of a PKCS#12 certificate or an encrypted PEM key; key only (<c>COORD_Tls__CertificatePassword</c>),
    /// no flag, so that it does not show in the process list.</summary>
    /// <value>null: none.</value>
    public string? CertificatePassword { get; set; }

    /// <summary>PEM bundle of the CA certificates that sign client certificates; a client certificate counts only
    /// when it chains to one of exactly these (not to the system's trusted roots). Flag <c>--tls-ca</c>.</summary>
    /// <value>null: TLS ports ask for no client certificate.</value>
    public string? CaPath { get; set; }

    /// <summary>Refuse, in the TLS handshake, a client that presents no certificate: on every client port that runs TLS
    /// (the ZooKeeper secure port, and the gateway with <see cref="Grid"/>). Flag <c>--require-client-certificate</c>.</summary>
    /// <value>false: a client without a certificate is served, without an <c>x509:</c> identity.</value>
    /// <remarks>Silos always need a certificate from <see cref="CaPath"/> to talk to each other with <see cref="Grid"/>.</remarks>
    public bool RequireClientCertificate { get; set; }

    /// <summary>Run the Orleans connections, silo-to-silo and gateway, over TLS with <see cref="CertificatePath"/>: a
    /// silo accepts and reaches other silos only with certificates <see cref="CaPath"/> signed (meant for server and client
    /// authentication), and clients must connect with TLS (SDK <c>CoordClientOptions.Tls</c>, CLI <c>--ca</c>). Every silo
    /// of a cluster and every client must agree: a plain connection to a TLS silo fails, and so does the reverse.
    /// Flag <c>--grid-tls</c>.</summary>
    /// <value>false: plain TCP, as before; needs <see cref="CertificatePath"/> and <see cref="CaPath"/> when true.</value>
    /// <remarks>Explicit rather than implied by a certificate, so that a silo given one for the ZooKeeper secure port does
    /// not change what its gateway speaks under its clients' feet.</remarks>
    public bool Grid { get; set; }
}

/// <summary>Whether the Orleans dashboard runs (<see cref="SiloHostOptions.Dashboard"/>).</summary>
public enum DashboardMode
{
    On,
    Off,
}
