namespace OrleansCoord.Proxy.Hosting;

/// <summary>The proxy's flags, each a key of the <c>Proxy</c> configuration section.</summary>
internal static class ProxyCommandLine
{
    public static readonly IReadOnlyDictionary<string, string> Flags = new Dictionary<string, string>
    {
        ["--port"] = "Proxy:Port",
        ["--admin-port"] = "Proxy:AdminPort",
        ["--listen"] = "Proxy:ListenAddress",
        ["--admin-listen"] = "Proxy:AdminListenAddress",
        ["--admin-certificate"] = "Proxy:AdminCertificatePath",
        ["--admin-certificate-key"] = "Proxy:AdminCertificateKeyPath",
        ["--admin-client-ca"] = "Proxy:AdminClientCaPath",
        ["--admin-user"] = "Proxy:AdminUser",
        ["--admin-password-hash"] = "Proxy:AdminPasswordHash",
        ["--admin-insecure"] = "Proxy:AdminInsecure",
        ["--https-port"] = "Proxy:HttpsPort",
        ["--h2c-port"] = "Proxy:H2cPort",
        ["--certificate"] = "Proxy:CertificatePath",
        ["--certificate-key"] = "Proxy:CertificateKeyPath",
        ["--certificate-password"] = "Proxy:CertificatePassword",
        ["--server"] = "Proxy:Server",
        ["--cluster-id"] = "Proxy:ClusterId",
        ["--service-id"] = "Proxy:ServiceId",
        ["--grid-ca"] = "Proxy:GridCaPath",
        ["--grid-certificate"] = "Proxy:GridCertificatePath",
        ["--grid-key"] = "Proxy:GridKeyPath",
        ["--snapshot"] = "Proxy:SnapshotPath",
        ["--max-body-size"] = "Proxy:MaxRequestBodySize",
        ["--access-log"] = "Proxy:AccessLog",
        ["--upstream-timeout"] = "Proxy:UpstreamTimeout",
        ["--send-timeout"] = "Proxy:SendTimeout",
        ["--header-timeout"] = "Proxy:HeaderTimeout",
        ["--tls-handshake-timeout"] = "Proxy:TlsHandshakeTimeout",
        ["--retry-body-limit"] = "Proxy:RetryBodyLimit",
        ["--id"] = "Proxy:Id",
        ["--status-interval"] = "Proxy:StatusInterval",
        ["--stop-with-stdin"] = "Proxy:StopWithStandardInput",
        ["--fast-path"] = "Proxy:FastPath",
        ["--loops"] = "Proxy:Loops",
        ["--max-connections"] = "Proxy:MaxConnections",
        ["--underscores-in-headers"] = "Proxy:UnderscoresInHeaders",
    };

    public const string Usage =
        "usage: OrleansCoord.Proxy [--port 8000] [--admin-port 8001] [--listen 0.0.0.0] " +
        "[--admin-listen 127.0.0.1 [--admin-certificate cert.pem [--admin-certificate-key key.pem]] [--admin-client-ca ca.pem] " +
        "[--admin-user NAME --admin-password-hash pbkdf2_sha256$...] [--admin-insecure false]] " +
        "[--https-port N [--certificate cert.pem|cert.pfx [--certificate-key key.pem] [--certificate-password P]]] [--h2c-port N] [--server localhost:30000] " +
        "[--cluster-id orleanscoord] [--service-id orleanscoord] [--grid-ca ca.pem [--grid-certificate client.pem [--grid-key key.pem]]] [--snapshot .data/proxy/snapshot.json] " +
        "[--max-body-size 1048576] [--upstream-timeout 00:01:00] [--send-timeout 00:01:00] [--header-timeout 00:00:30] [--tls-handshake-timeout 00:00:10] [--retry-body-limit 65536] [--access-log true] " +
        "[--id HOST-PORT] [--status-interval 00:00:01] [--stop-with-stdin true] [--fast-path on|off] [--loops N] [--max-connections N] [--underscores-in-headers false]";

    /// <summary>Flags that are not the proxy's, or lack a value; empty when the command line is fine.</summary>
    public static IReadOnlyList<string> Check(string[] args)
    {
        var errors = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i].Split('=', 2)[0];
            if (!Flags.ContainsKey(flag)) errors.Add($"unknown flag '{args[i]}'");
            else if (!args[i].Contains('=') && ++i >= args.Length) errors.Add($"{flag} needs a value");
        }

        return errors;
    }
}
