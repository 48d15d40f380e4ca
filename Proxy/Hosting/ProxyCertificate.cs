using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansCoord.Proxy.Hosting;

/// <summary>
/// The certificate of the HTTPS port: a PEM (certificate and key, in one file or two) or PKCS#12 file named by
/// <c>--certificate</c>, or else a self-signed one for localhost made at start (good for trying HTTP/2 on a
/// developer machine; clients must be told to trust it, e.g. <c>curl -k</c>).
/// </summary>
internal static class ProxyCertificate
{
    /// <summary>Loads or makes the certificate; null and a one-line reason when the named file is unusable.</summary>
    public static X509Certificate2? Load(ProxyOptions options, out string description)
    {
        if (options.CertificatePath is not { Length: > 0 } path)
        {
            var made = SelfSigned();
            description = $"a self-signed certificate for localhost (SHA-256 {made.GetCertHashString(HashAlgorithmName.SHA256)}); --certificate gives a real one";
            return made;
        }

        return FromFile(path, options.CertificateKeyPath, options.CertificatePassword, "--certificate", out description);
    }

    /// <summary>The certificate in a PEM or PKCS#12 file (also the admin port's, <c>--admin-certificate</c>); null and a
    /// one-line reason naming <paramref name="flag"/> when the file is unusable.</summary>
    public static X509Certificate2? FromFile(string path, string? keyPath, string? password, string flag, out string description)
    {
        try
        {
            var certificate = IsPem(path)
                ? FromPem(path, keyPath is { Length: > 0 } key ? key : null, password)
                : X509CertificateLoader.LoadPkcs12FromFile(path, password);
            if (!certificate.HasPrivateKey) throw new CryptographicException($"it holds no private key (give {flag}-key)");
            description = $"{certificate.Subject} from {path}";
            return certificate;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            description = $"{flag} {path}: {exception.Message}";
            return null;
        }
    }

    private static bool IsPem(string path)
    {
        using var reader = new StreamReader(path);
        var buffer = new char[4096];
        return new string(buffer, 0, reader.ReadBlock(buffer)).Contains("-----BEGIN", StringComparison.Ordinal);
    }

    private static X509Certificate2 FromPem(string certificatePath, string? keyPath, string? password)
    {
        using var pem = password is { Length: > 0 }
            ? X509Certificate2.CreateFromEncryptedPemFile(certificatePath, password, keyPath)
            : X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        // Kestrel needs a key it can use for every handshake; a PKCS#12 round trip gives one on every platform.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
