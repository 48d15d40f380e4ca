using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansCoord.Silo.Hosting;

namespace OrleansCoord.Silo.Tls;

/// <summary>
/// The <c>Tls</c> section's files, read once at start: the silo's certificate (with its key and chain) and the CAs whose
/// client certificates it accepts. Kept apart from any one port so that every TLS listener of the silo (the ZooKeeper
/// secure port now; the gateway and silo-to-silo connections later) serves and checks the same material.
/// </summary>
public sealed class SiloTlsMaterial
{
    private SiloTlsMaterial(X509Certificate2 certificate, X509Certificate2Collection chain, ClientCertificateVerifier? clients, bool require)
    {
        Certificate = certificate;
        Chain = chain;
        Clients = clients;
        RequireClientCertificate = require;
    }

    /// <summary>The silo's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Intermediate certificates sent after <see cref="Certificate"/> (those after the first in a PEM file).</summary>
    public X509Certificate2Collection Chain { get; }

    /// <summary>Checks client certificates against <c>--tls-ca</c>; null when none was given (no client certificate is asked for).</summary>
    public ClientCertificateVerifier? Clients { get; }

    /// <summary>A client without a certificate is refused in the handshake.</summary>
    public bool RequireClientCertificate { get; }

    /// <summary>
    /// Reads the files <paramref name="settings"/> name. Null when no certificate is configured, and also when a file is
    /// missing or unusable: then one message per file is appended to <paramref name="errors"/>, in the form the option
    /// validator uses (the silo prints them on one line and exits with code 2).
    /// </summary>
    public static SiloTlsMaterial? Load(TlsSettings settings, List<string> errors)
    {
        if (settings.CertificatePath is not { } certificatePath) return null;
        var before = errors.Count;
        var (certificate, chain) = Read("Tls:CertificatePath", certificatePath, errors, path => LoadCertificate(path, settings));
        var clients = settings.CaPath is { } caPath ? Read("Tls:CaPath", caPath, errors, LoadAuthorities) : null;
        if (errors.Count > before || certificate is null) return null;
        return new SiloTlsMaterial(certificate, chain!, clients is null ? null : new ClientCertificateVerifier(clients), settings.RequireClientCertificate);
    }

    /// <summary>The <c>--tls-ca</c> bundle alone (for a silo without a certificate of its own, whose sessions still prove
    /// client certificates: docs/adr/017); null when none is configured or it is unusable (then with an error).</summary>
    public static X509Certificate2Collection? LoadClientAuthorities(TlsSettings settings, List<string> errors) =>
        settings.CaPath is { } caPath ? Read("Tls:CaPath", caPath, errors, LoadAuthorities) : null;

    private static T? Read<T>(string key, string path, List<string> errors, Func<string, T> load)
    {
        try
        {
            return load(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            errors.Add($"{SiloHostOptionsReader.Describe(key)}: {path}: {exception.Message}");
            return default;
        }
    }

    private static (X509Certificate2, X509Certificate2Collection) LoadCertificate(string path, TlsSettings settings)
    {
        if (!IsPem(path))
        {
            var pkcs12 = X509CertificateLoader.LoadPkcs12FromFile(path, settings.CertificatePassword);
            if (!pkcs12.HasPrivateKey) throw new CryptographicException("it holds no private key");
            return (pkcs12, []);
        }

        using var pem = settings.CertificatePassword is { Length: > 0 } password
            ? X509Certificate2.CreateFromEncryptedPemFile(path, password, settings.KeyPath)
            : X509Certificate2.CreateFromPemFile(path, settings.KeyPath);
        // SslStream needs a key it can use for every handshake; a PKCS#12 round trip gives one on every platform.
        var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(path);
        return (certificate, [.. all.Skip(1)]);
    }

    private static X509Certificate2Collection LoadAuthorities(string path)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(path);
        if (authorities.Count == 0) throw new CryptographicException("no PEM certificate in it");
        return authorities;
    }

    private static bool IsPem(string path)
    {
        using var reader = new StreamReader(path);
        var buffer = new char[4096];
        return new string(buffer, 0, reader.ReadBlock(buffer)).Contains("-----BEGIN", StringComparison.Ordinal);
    }
}
