using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansCoord.Silo.Tests.ZooKeeper.Tls;

/// <summary>
/// Certificates made for one test run, written to a temp directory deleted on dispose (no key is ever checked in): a
/// CA, a server certificate for 127.0.0.1/localhost signed by it (meant for server and client authentication, as a
/// silo's must be for the silo-to-silo connections of <c>--grid-tls</c>), client certificates for alice and bob signed by it,
/// and mallory's, signed by another CA. Each client's certificate and key also as a PKCS#12 keystore, and the CA as a
/// PKCS#12 truststore (made with keytool: Java trusts no certificate-only entry of a PKCS#12 file made elsewhere).
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    /// <summary>Password of every keystore and truststore.</summary>
    public const string StorePassword = "changeit";

    private TestCertificates(string directory) => Directory = directory;

    public string Directory { get; }

    public X509Certificate2 Ca { get; private set; } = null!;

    /// <summary>The CA bundle for <c>--tls-ca</c>.</summary>
    public string CaPem => Path.Combine(Directory, "ca.pem");

    /// <summary>The silo's certificate and key, for <c>--tls-certificate</c> and <c>--tls-key</c>.</summary>
    public string ServerPem => Path.Combine(Directory, "server.pem");

    public string ServerKey => Path.Combine(Directory, "server.key");

    /// <summary>Another CA's certificate, one that signed no silo's certificate (mallory's CA).</summary>
    public string OtherCaPem => Path.Combine(Directory, "other-ca.pem");

    /// <summary>The CA as a PKCS#12 truststore for Java (<c>zookeeper.ssl.trustStore.location</c>).</summary>
    public string TrustStore => Path.Combine(Directory, "truststore.p12");

    public Client Alice { get; private set; } = null!;

    public Client Bob { get; private set; } = null!;

    /// <summary>A client whose certificate another CA signed.</summary>
    public Client Mallory { get; private set; } = null!;

    /// <summary>A client's certificate (with its key), its PEM file and its PKCS#12 keystore.</summary>
    public sealed record Client(string Name, X509Certificate2 Certificate, string Pem, string KeyStore);

    public static async Task<TestCertificates> CreateAsync()
    {
        var certificates = new TestCertificates(System.IO.Directory.CreateTempSubdirectory("zk-tls-").FullName);
        await certificates.WriteAsync();
        return certificates;
    }

    /// <summary>A subject with several names, one an e-mail address, so that the x509 id's format is really tested.</summary>
    public static X500DistinguishedName Subject(string name)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCountryOrRegion("CH");
        subject.AddOrganizationName("OrleansCoord Tests, Inc.");
        subject.AddOrganizationalUnitName("grid");
        subject.AddCommonName(name);
        subject.AddEmailAddress($"{name}@example.com");
        return subject.Build();
    }

    private async Task WriteAsync()
    {
        Ca = Authority("OrleansCoord test CA");
        using var otherCa = Authority("another CA");
        await File.WriteAllTextAsync(CaPem, Ca.ExportCertificatePem());
        await File.WriteAllTextAsync(OtherCaPem, otherCa.ExportCertificatePem());

        using var server = Issue(Ca, new X500DistinguishedName("CN=localhost"), server: true);
        await File.WriteAllTextAsync(ServerPem, server.ExportCertificatePem());
        await File.WriteAllTextAsync(ServerKey, server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());

        Alice = await ClientAsync("alice", Ca);
        Bob = await ClientAsync("bob", Ca);
        Mallory = await ClientAsync("mallory", otherCa);

        var (exit, output) = await ExternalTool.RunAsync(ExternalTool.StartInfo("/usr/bin/keytool", "-importcert", "-noprompt",
            "-storetype", "PKCS12", "-keystore", TrustStore, "-storepass", StorePassword, "-alias", "ca", "-file", CaPem), "", TimeSpan.FromMinutes(1));
        Assert.True(exit == 0, $"keytool failed:\n{output}");
    }

    private async Task<Client> ClientAsync(string name, X509Certificate2 ca)
    {
        var certificate = Issue(ca, Subject(name), server: false);
        var pem = Path.Combine(Directory, $"{name}.pem");
        await File.WriteAllTextAsync(pem, certificate.ExportCertificatePem() + "\n" + certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");
        var keyStore = Path.Combine(Directory, $"{name}.p12");
        await File.WriteAllBytesAsync(keyStore, certificate.Export(X509ContentType.Pkcs12, StorePassword));
        return new Client(name, certificate, pem, keyStore);
    }

    private static X509Certificate2 Authority(string name) => TestCertificateIssuer.Authority(name);

    // A server certificate is meant for server and client authentication: a silo's, for --grid-tls, must be both.
    private static X509Certificate2 Issue(X509Certificate2 ca, X500DistinguishedName subject, bool server) =>
        TestCertificateIssuer.Issue(ca, subject, server
            ? [TestCertificateIssuer.ServerAuthentication, TestCertificateIssuer.ClientAuthentication]
            : [TestCertificateIssuer.ClientAuthentication], serverNames: server);

    public void Dispose()
    {
        Ca?.Dispose();
        foreach (var client in new[] { Alice, Bob, Mallory }) client?.Certificate.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
