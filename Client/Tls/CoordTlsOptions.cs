using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansCoord.Errors;
using OrleansCoord.Tls;

namespace OrleansCoord.Client.Tls;

/// <summary>
/// TLS to a grid whose silos run with <c>--grid-tls</c>: the CA that signed the silos' certificates, and the client's
/// own certificate for gateways that ask for one (<c>--require-client-certificate</c>).
/// </summary>
/// <remarks>
/// The gateway's certificate counts when it chains to exactly <see cref="Authorities"/> (not to the machine's trusted
/// roots) and is meant for server authentication; its host name is not compared with the address dialled, since
/// silos advertise IP addresses and the grid's own CA vouches for them (docs/adr/015).
/// </remarks>
public sealed class CoordTlsOptions
{

    /// <summary>The CAs whose certificates the gateways must show.</summary>
    public required X509Certificate2Collection Authorities { get; init; }

    /// <summary>The client's certificate, with its private key; null: none is shown (a gateway that requires one refuses the connection).</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>
    /// Reads the files operators already have: a PEM bundle of CAs, and optionally the client's certificate as PEM (its
    /// key in the same file or in <paramref name="keyPath"/>) or PKCS#12. Throws BadArguments naming the file and what is
    /// wrong with it.
    /// </summary>
    public static CoordTlsOptions FromFiles(string caPath, string? certificatePath = null, string? keyPath = null, string? password = null)
    {
        if (keyPath is not null && certificatePath is null) throw CoordException.BadArguments(null, "a key file needs its certificate file");
        var authorities = Read("CA file", caPath, path =>
        {
            var bundle = new X509Certificate2Collection();
            bundle.ImportFromPemFile(path);
            return bundle.Count > 0 ? bundle : throw new CryptographicException("no PEM certificate in it");
        });
        var certificate = certificatePath is null ? null : Read("certificate file", certificatePath, path => LoadCertificate(path, keyPath, password));
        return new CoordTlsOptions { Authorities = authorities, Certificate = certificate };
    }

    /// <summary>Reads a client certificate with its private key, PEM (its key in the same file or in
    /// <paramref name="keyPath"/>) or PKCS#12, meant for client authentication: for <see cref="CoordClientOptions.Certificate"/>
    /// without TLS. Throws BadArguments naming the file and what is wrong with it.</summary>
    public static X509Certificate2 CertificateFromFiles(string certificatePath, string? keyPath = null, string? password = null) =>
        Read("certificate file", certificatePath, path => LoadCertificate(path, keyPath, password));

    /// <summary>True when a gateway's certificate chains to <see cref="Authorities"/> and is meant for server authentication.</summary>
    internal bool IsGatewayTrusted(X509Certificate2 certificate, X509Chain? presented) =>
        CertificateChains.ChainsTo(certificate, presented, Authorities, CertificateChains.ServerAuthentication);

    private static X509Certificate2 LoadCertificate(string path, string? keyPath, string? password)
    {
        X509Certificate2 certificate;
        if (!File.ReadAllText(path).Contains("-----BEGIN", StringComparison.Ordinal))
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        else
        {
            using var pem = password is { Length: > 0 }
                ? X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath)
                : X509Certificate2.CreateFromPemFile(path, keyPath);
            // SslStream needs a key it can use for every handshake; a PKCS#12 round trip gives one on every platform.
            certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }

        if (!certificate.HasPrivateKey) throw new CryptographicException("it holds no private key");
        var uses = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SingleOrDefault();
        if (uses is not null && !uses.EnhancedKeyUsages.Cast<Oid>().Any(use => use.Value == CertificateChains.ClientAuthentication.Value))
        {
            throw new CryptographicException("the certificate is not meant for client authentication (extended key usage 1.3.6.1.5.5.7.3.2)");
        }

        return certificate;
    }

    private static T Read<T>(string what, string path, Func<string, T> load)
    {
        try
        {
            return load(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw CoordException.BadArguments(null, $"{what} {path}: {exception.Message}");
        }
    }
}
