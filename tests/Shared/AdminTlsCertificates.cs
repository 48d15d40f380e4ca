using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansCoord.Tests.Shared;

/// <summary>
/// Certificates for the admin-port tests, made at run time into a temp directory deleted on dispose (no key is checked
/// in): a CA, a server certificate for 127.0.0.1/localhost signed by it, alice's client certificate signed by it, and
/// mallory's, signed by another CA. <see cref="Client"/> makes HTTP clients that trust exactly that CA.
/// </summary>
internal sealed class AdminTlsCertificates : IDisposable
{
    private AdminTlsCertificates(string directory) => Directory = directory;

    public string Directory { get; }

    public X509Certificate2 Ca { get; private set; } = null!;

    /// <summary>The CA as a PEM bundle (<c>--http-client-ca</c>, <c>--admin-client-ca</c>).</summary>
    public string CaPem => Path.Combine(Directory, "ca.pem");

    /// <summary>Another CA's bundle: the server certificate does not chain to it.</summary>
    public string OtherCaPem => Path.Combine(Directory, "other-ca.pem");

    /// <summary>The server's certificate and its key (PEM).</summary>
    public string ServerPem => Path.Combine(Directory, "server.pem");

    public string ServerKey => Path.Combine(Directory, "server.key");

    public X509Certificate2 Alice { get; private set; } = null!;

    public X509Certificate2 Mallory { get; private set; } = null!;

    public static AdminTlsCertificates Create()
    {
        var certificates = new AdminTlsCertificates(System.IO.Directory.CreateTempSubdirectory("admin-tls-").FullName);
        certificates.Write();
        return certificates;
    }

    /// <summary>A client that trusts only <see cref="Ca"/> for the server and presents <paramref name="certificate"/>, if any.</summary>
    public HttpClient Client(X509Certificate2? certificate = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, server, _, _) => server is not null && ChainsTo(Ca, new X509Certificate2(server)),
                // Always offer the given certificate, whatever issuers the server names.
                LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate!,
                ClientCertificates = certificate is null ? null : [certificate],
            },
            PooledConnectionLifetime = TimeSpan.Zero,
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    private static bool ChainsTo(X509Certificate2 ca, X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private void Write()
    {
        Ca = Authority("OrleansCoord admin test CA");
        using var otherCa = Authority("another CA");
        File.WriteAllText(CaPem, Ca.ExportCertificatePem());
        File.WriteAllText(OtherCaPem, otherCa.ExportCertificatePem());
        using var server = Issue(Ca, "localhost", server: true);
        File.WriteAllText(ServerPem, server.ExportCertificatePem());
        File.WriteAllText(ServerKey, server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        Alice = Issue(Ca, "alice", server: false);
        Mallory = Issue(otherCa, "mallory", server: false);
    }

    private static X509Certificate2 Authority(string name) => TestCertificateIssuer.Authority(name);

    private static X509Certificate2 Issue(X509Certificate2 ca, string name, bool server)
    {
        using var certificate = TestCertificateIssuer.Issue(ca, new X500DistinguishedName($"CN={name}"),
            [server ? TestCertificateIssuer.ServerAuthentication : TestCertificateIssuer.ClientAuthentication], serverNames: server);
        // Through PKCS#12 so that the TLS stack can use the key on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        Ca?.Dispose();
        Alice?.Dispose();
        Mallory?.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
