using Microsoft.Extensions.Configuration;
using OrleansCoord.Silo.Hosting;
using OrleansCoord.Silo.Tests.ZooKeeper.Tls;
using OrleansCoord.Silo.Tls;

namespace OrleansCoord.Silo.Tests.Tls;

/// <summary>The <c>Tls</c> section and <c>--zk-secure-port</c>: flags, checks, and files that cannot be used.</summary>
public sealed class SiloTlsOptionsTests
{
    private static SiloHostOptions Read(List<string> errors, params string[] args)
    {
        var options = SiloHostOptionsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(CommandLineFlags.Parse(args, errors)).Build(), errors);
        SiloHostOptionsValidator.Validate(options, errors);
        return options;
    }

    [Fact]
    public void Flags_SetTheTlsSection_RequireClientCertificateStandsAlone()
    {
        var errors = new List<string>();
        var options = Read(errors, "--zk-secure-port", "2281", "--tls-certificate", "s.pem", "--tls-key", "s.key", "--tls-ca", "ca.pem",
            "--require-client-certificate", "--storage", "Memory");

        Assert.Empty(errors);
        Assert.Equal(2281, options.Endpoints.ZooKeeperSecurePort);
        Assert.Equal(("s.pem", "s.key", "ca.pem", true),
            (options.Tls.CertificatePath, options.Tls.KeyPath, options.Tls.CaPath, options.Tls.RequireClientCertificate));
        Assert.False(Read(errors, "--tls-certificate", "s.pem", "--tls-ca", "ca.pem", "--require-client-certificate", "false").Tls.RequireClientCertificate);
        Assert.Equal(0, Read(errors).Endpoints.ZooKeeperSecurePort);
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("--zk-secure-port", "--zk-secure-port", "2281")]
    [InlineData("--tls-ca", "--tls-certificate", "s.pem", "--require-client-certificate")]
    [InlineData("--tls-certificate", "--tls-key", "s.key")]
    [InlineData("--grid-tls", "--grid-tls", "--tls-certificate", "s.pem")]
    [InlineData("--grid-tls", "--grid-tls", "--tls-ca", "ca.pem")]
    [InlineData("--zk-secure-port", "--zk-secure-port", "2181", "--tls-certificate", "s.pem")]
    public void Inconsistent_TlsOptions_AreRefused_NamingTheFlag(string named, params string[] args)
    {
        var errors = new List<string>();
        Read(errors, args);

        Assert.Contains(errors, e => e.Contains(named, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("3601")]
    [InlineData("sixty")]
    public void CredentialLifetime_OutOfRange_IsRefused_NamingTheFlag(string seconds)
    {
        var errors = new List<string>();
        Read(errors, "--credential-lifetime", seconds);
        Assert.Contains(errors, e => e.Contains("--credential-lifetime", StringComparison.Ordinal));

        var fine = new List<string>();
        Assert.Equal(3, Read(fine, "--credential-lifetime", "3").Cluster.CredentialLifetimeSeconds);
        Assert.Equal(60, Read(fine).Cluster.CredentialLifetimeSeconds);
        Assert.Empty(fine);
    }

    [Fact]
    public async Task Load_ReadsPemAndPkcs12_AndNamesEachUnusableFile()
    {
        using var certificates = await TestCertificates.CreateAsync();
        var errors = new List<string>();
        var pem = SiloTlsMaterial.Load(new TlsSettings { CertificatePath = certificates.ServerPem, KeyPath = certificates.ServerKey, CaPath = certificates.CaPem }, errors);
        var pkcs12 = SiloTlsMaterial.Load(new TlsSettings { CertificatePath = certificates.Alice.KeyStore, CertificatePassword = TestCertificates.StorePassword }, errors);

        Assert.Empty(errors);
        Assert.True(pem!.Certificate.HasPrivateKey && pkcs12!.Certificate.HasPrivateKey);
        Assert.True(pem.Clients!.IsTrusted(certificates.Alice.Certificate, null));
        Assert.False(pem.Clients.IsTrusted(certificates.Mallory.Certificate, null));
        Assert.Null(pkcs12.Clients);
        // With --grid-tls another silo must show a silo's certificate (server and client authentication), not a client's.
        Assert.True(pem.Clients.IsTrustedSilo(pem.Certificate, null));
        Assert.False(pem.Clients.IsTrustedSilo(certificates.Alice.Certificate, null));

        Assert.Null(SiloTlsMaterial.Load(new TlsSettings { CertificatePath = "/no/such.pem", CaPath = certificates.ServerKey }, errors));
        Assert.Equal(2, errors.Count);
        Assert.Contains("--tls-certificate (Tls:CertificatePath): /no/such.pem", errors[0]);
        Assert.Contains("--tls-ca (Tls:CaPath)", errors[1]);
    }

    [Fact]
    public async Task UnreadableTlsFile_ExitsWithTwoAndOneLine()
    {
        await using var silo = SiloProcess.Start(SiloPorts.Pick(), "--storage", "Memory", "--zk-secure-port", "2999",
            "--tls-certificate", "/no/such/server.pem", "--tls-ca", "/no/such/ca.pem");

        Assert.Equal(2, await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var line = Assert.Single(silo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--tls-certificate", line);
        Assert.Contains("--tls-ca", line);
        Assert.DoesNotContain("   at ", line);
    }
}
