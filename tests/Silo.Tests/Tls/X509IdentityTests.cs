using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansCoord.Silo.Tests.ZooKeeper.Tls;
using OrleansCoord.ZooKeeper.Server.Tls;

namespace OrleansCoord.Silo.Tests.Tls;

/// <summary>The grid's x509 id of a subject is Java's X500Principal.getName(), ZooKeeper's: checked against Java itself.</summary>
public sealed class X509IdentityTests
{
    [Fact]
    public async Task Rfc2253_IsWhatJavaWrites_ForKeywordsOidsEscapesAndMultiValuedNames()
    {
        X500DistinguishedName[] subjects =
        [
            TestCertificates.Subject("alice"),
            Name(("2.5.4.6", "US", UniversalTagNumber.PrintableString), ("2.5.4.8", "Zürich", UniversalTagNumber.UTF8String),
                ("2.5.4.7", " lead and trail ", UniversalTagNumber.UTF8String), ("2.5.4.10", "a,b+c=d<e>f#g;h\"i\\j", UniversalTagNumber.UTF8String),
                ("0.9.2342.19200300.100.1.25", "example", UniversalTagNumber.IA5String), ("0.9.2342.19200300.100.1.1", "u42", UniversalTagNumber.UTF8String),
                ("2.5.4.5", "12345", UniversalTagNumber.PrintableString), ("2.5.4.3", "#hash", UniversalTagNumber.UTF8String)),
            MultiValued(),
        ];
        var directory = Directory.CreateTempSubdirectory("x509-names-").FullName;
        try
        {
            var files = new List<string>();
            foreach (var (subject, i) in subjects.Select((s, i) => (s, i)))
            {
                using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                using var certificate = new CertificateRequest(subject, key, HashAlgorithmName.SHA256)
                    .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
                files.Add(Path.Combine(directory, $"{i}.pem"));
                await File.WriteAllTextAsync(files[^1], certificate.ExportCertificatePem(), TestContext.Current.CancellationToken);
            }

            var java = await JavaSubjects.OfAsync([.. files]);
            Assert.Equal(java, subjects.Select(X509Identity.Rfc2253).ToArray());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A name of one-value relative names, in this order, each value with the given string type.</summary>
    private static X500DistinguishedName Name(params (string Oid, string Value, UniversalTagNumber Type)[] parts)
    {
        var builder = new X500DistinguishedNameBuilder();
        foreach (var (oid, value, type) in parts) builder.Add(oid, value, type);
        return builder.Build();
    }

    /// <summary>O=Example, then one relative name with two values: CN=carol+UID=c1 (the builder cannot make those).</summary>
    private static X500DistinguishedName MultiValued()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSetOf()) Attribute(writer, "2.5.4.10", "Example");
            using (writer.PushSetOf())
            {
                Attribute(writer, "2.5.4.3", "carol");
                Attribute(writer, "0.9.2342.19200300.100.1.1", "c1");
            }
        }

        return new X500DistinguishedName(writer.Encode());
    }

    private static void Attribute(AsnWriter writer, string oid, string value)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            writer.WriteCharacterString(UniversalTagNumber.UTF8String, value);
        }
    }
}
