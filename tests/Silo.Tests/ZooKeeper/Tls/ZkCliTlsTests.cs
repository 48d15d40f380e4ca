namespace OrleansCoord.Silo.Tests.ZooKeeper.Tls;

/// <summary>
/// Debian's zkCli.sh over TLS, configured as for ZooKeeper's secureClientPort (Netty socket, PKCS#12 keystore and
/// truststore): its client certificate's subject is its ACL identity; certificates the silo does not trust get nowhere.
/// </summary>
[Collection(nameof(ZkTlsSiloCollection))]
public sealed class ZkCliTlsTests(ZkTlsSiloFixture grid)
{
    [Fact]
    public async Task ZkCli_AliceCreatesUnderHerX509Identity_BobGetsNoAuth_EvenAfterAddAuthX509WithHerName()
    {
        ExternalTool.Require(ExternalTool.ZkCli, "zookeeper");
        var root = $"/cli-tls-{Guid.NewGuid():N}";
        var aliceId = grid.JavaSubjects["alice"];
        var alice = $"""
            create {root} "alice data" auth::cdrwa
            getAcl {root}
            get {root}
            quit

            """;
        var (aliceExit, aliceOutput, lines) = await RunScriptAsync(grid.Certificates.Alice, alice);
        // getAcl prints an Id as jute's CSV form does: ',' as %2C (and '%' as %25).
        var printedId = aliceId.Replace("%", "%25").Replace(",", "%2C");
        Assert.True(lines.Contains($"Created {root}") && lines.Contains($"'x509,'{printedId}") && lines.Contains(": cdrwa") && lines.Contains("alice data"),
            $"exit {aliceExit}:\n{aliceOutput}");

        var bob = $"""
            get {root}
            addauth x509 "{aliceId}"
            get {root}
            set {root} bob
            getAcl {root}
            ls {root}
            quit

            """;
        var (bobExit, bobOutput, bobLines) = await RunScriptAsync(grid.Certificates.Bob, bob);
        Assert.True(bobLines.Count(l => l == $"Insufficient permission : {root}") == 5, $"exit {bobExit}:\n{bobOutput}");
        Assert.DoesNotContain("alice data", bobLines);
    }

    [Fact]
    public async Task ZkCli_WithACertificateFromAnotherCa_OrWithoutOne_CannotConnect()
    {
        ExternalTool.Require(ExternalTool.ZkCli, "zookeeper");
        // The same zkCli set-up gets in with alice's certificate: what keeps the others out is their certificate.
        var (aliceExit, aliceOutput, aliceLines) = await RunScriptAsync(grid.Certificates.Alice, "ls /\nquit\n");
        Assert.True(aliceLines.Any(l => l.StartsWith('[') && l.Contains("zookeeper")), $"alice: exit {aliceExit}:\n{aliceOutput}");

        foreach (var client in new[] { grid.Certificates.Mallory, null })
        {
            var (exit, output, lines) = await RunScriptAsync(client, "ls /\nquit\n");
            Assert.True(lines.Contains("KeeperErrorCode = ConnectionLoss for /") && !lines.Any(l => l.Contains("zookeeper")),
                $"{client?.Name ?? "no certificate"}: exit {exit}:\n{output}");
        }
    }

    /// <summary>
    /// zkCli.sh on the secure port with <paramref name="client"/>'s keystore (none: no keystore), the CA as truststore;
    /// ZooKeeper's client reads these system properties from CLIENT_JVMFLAGS, which zkCli.sh passes to java (ZK_TLS_DEBUG
    /// adds flags, e.g. <c>-Djavax.net.debug=ssl:handshake</c>, when a run needs looking into).
    /// </summary>
    private async Task<(int ExitCode, string Output, List<string> Lines)> RunScriptAsync(TestCertificates.Client? client, string script)
    {
        var start = ExternalTool.StartInfo(ExternalTool.ZkCli, "-server", $"127.0.0.1:{grid.SecurePort}");
        string[] flags =
        [
            // Debian's zkCli.sh puts only the jars zookeeper.jar's manifest names on its class path; its Netty socket
            // also needs netty-resolver and netty-codec (NoClassDefFoundError otherwise). A later -cp wins in java.
            $"-cp /etc/zookeeper/conf:{string.Join(':', new[] { "zookeeper", "netty-resolver", "netty-codec" }.Select(j => $"/usr/share/java/{j}.jar"))}",
            "-Dzookeeper.client.secure=true", "-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty",
            $"-Dzookeeper.ssl.trustStore.location={grid.Certificates.TrustStore}", $"-Dzookeeper.ssl.trustStore.password={TestCertificates.StorePassword}",
            .. client is null ? Array.Empty<string>() :
            [$"-Dzookeeper.ssl.keyStore.location={client.KeyStore}", $"-Dzookeeper.ssl.keyStore.password={TestCertificates.StorePassword}"],
        ];
        start.Environment["CLIENT_JVMFLAGS"] = string.Join(' ', flags);
        if (Environment.GetEnvironmentVariable("ZK_TLS_DEBUG") is { } debug) start.Environment["CLIENT_JVMFLAGS"] += " " + debug;
        var (exitCode, output) = await ExternalTool.RunAsync(start, script, TimeSpan.FromMinutes(2));
        return (exitCode, output, output.Split('\n').Select(l => l.TrimEnd('\r')).ToList());
    }
}
