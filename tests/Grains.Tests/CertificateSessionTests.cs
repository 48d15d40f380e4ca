using System.Security.Cryptography.X509Certificates;
using System.Text;
using OrleansCoord.Acls;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Identities;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Sessions;
using OrleansCoord.ZNodes;
using static OrleansCoord.Grains.Tests.Fixtures.CertificateGridConfigurator;

namespace OrleansCoord.Grains.Tests;

/// <summary>
/// x509 identities for grid sessions (docs/adr/017): a client proves it holds a certificate's key by signing its
/// session's challenge; the grid checks the signature, the chain to its client CAs, the use and the dates, and only then
/// signs <c>x509:SUBJECT</c> into the session's credential. Everything else is AuthFailed, the credential unchanged.
/// </summary>
public sealed class CertificateSessionTests(CertificateClusterFixture fixture) : IClassFixture<CertificateClusterFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static X509Certificate2 Certificate(string name, X509Certificate2? ca = null, DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null, bool clientAuthentication = true) =>
        TestCertificateIssuer.Issue(ca ?? Ca, new X500DistinguishedName($"CN={name},O=Credential Tests"),
            [clientAuthentication ? TestCertificateIssuer.ClientAuthentication : TestCertificateIssuer.ServerAuthentication],
            serverNames: false, notBefore, notAfter);

    private Task<CoordClient> ConnectAsync(X509Certificate2? certificate) =>
        CoordClient.ConnectAsync(fixture.Cluster.Client, new CoordClientOptions { Certificate = certificate }, Ct);

    private ISessionGrain Session(long id) => fixture.Cluster.Client.GetGrain<ISessionGrain>(id);

    private static async Task<CoordException> RefusedAsync(Func<Task> call) => await Assert.ThrowsAsync<CoordException>(call);

    [Fact]
    public async Task SdkClient_WithCertificate_ReadsAnX509OnlyZnode_OneWithoutGetsNoAuth()
    {
        using var certificate = Certificate("alice");
        var alice = X509Identity.For(certificate);
        await using var owner = await ConnectAsync(certificate);
        Assert.Contains(alice, owner.AuthIds);
        Assert.Equal("CN=alice,O=Credential Tests", alice.Id);
        // The credential ends at the certificate's end at the latest.
        Assert.Equal(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeMilliseconds(), owner.Credential.IdentitiesEndMs);

        var path = await owner.CreateAsync($"/x509-{Guid.NewGuid():N}", Encoding.UTF8.GetBytes("v"), [new AclEntry(AclPerms.All, alice.Scheme, alice.Id)],
            cancellationToken: Ct);
        Assert.Equal("v", Encoding.UTF8.GetString((await owner.GetDataAsync(path, Ct)).Data));

        await using var stranger = await ConnectAsync(null);
        Assert.Equal(CoordErrorCode.NoAuth, (await RefusedAsync(() => stranger.GetDataAsync(path, Ct))).Code);
        using var bobsCertificate = Certificate("bob");
        await using var bob = await ConnectAsync(bobsCertificate);
        Assert.Equal(CoordErrorCode.NoAuth, (await RefusedAsync(() => bob.GetDataAsync(path, Ct))).Code);
    }

    [Fact]
    public async Task AddAuthX509_Asserted_IsAuthFailed_CredentialUnchanged()
    {
        await using var mallory = await ConnectAsync(null);
        var before = mallory.Credential;
        Caller.Use(before);
        var error = await RefusedAsync(() => Session(mallory.SessionId).AddAuth("x509", "CN=alice,O=Credential Tests"));
        Caller.Use(null);
        Assert.Equal(CoordErrorCode.AuthFailed, error.Code);
        Assert.Same(before, mallory.Credential);
        Assert.Empty(mallory.AuthIds);
    }

    [Fact]
    public async Task Signature_OverAnotherSessionsChallenge_OrUsedTwice_IsAuthFailed()
    {
        using var certificate = Certificate("alice");
        await using var victim = await ConnectAsync(null);
        await using var mallory = await ConnectAsync(null);

        // The victim's challenge, signed for the victim's session: worthless in mallory's session.
        Caller.Use(victim.Credential);
        var victimsChallenge = await Session(victim.SessionId).CertificateChallenge();
        var victimsProof = CertificateProof.Sign(certificate, victim.SessionId, victimsChallenge);
        Caller.Use(mallory.Credential);
        _ = await Session(mallory.SessionId).CertificateChallenge();
        Assert.Equal(CoordErrorCode.AuthFailed,
            (await RefusedAsync(() => Session(mallory.SessionId).AddCertificate(certificate.RawData, [], victimsProof))).Code);

        // Signed over the victim's challenge but with mallory's session id: not mallory's challenge either.
        _ = await Session(mallory.SessionId).CertificateChallenge();
        var mixed = CertificateProof.Sign(certificate, mallory.SessionId, victimsChallenge);
        Assert.Equal(CoordErrorCode.AuthFailed, (await RefusedAsync(() => Session(mallory.SessionId).AddCertificate(certificate.RawData, [], mixed))).Code);

        // The victim's own proof works once; the same signature again (its challenge used) does not.
        Caller.Use(victim.Credential);
        var proven = await Session(victim.SessionId).AddCertificate(certificate.RawData, [], victimsProof);
        Assert.Contains(X509Identity.For(certificate), proven.Identities);
        Assert.Equal(CoordErrorCode.AuthFailed,
            (await RefusedAsync(() => Session(victim.SessionId).AddCertificate(certificate.RawData, [], victimsProof))).Code);
        Caller.Use(null);
        Assert.Empty(mallory.AuthIds);
    }

    [Fact]
    public async Task Certificate_WithoutItsKey_IsAuthFailed()
    {
        using var alices = Certificate("alice");
        using var mallorys = Certificate("mallory");
        await using var mallory = await ConnectAsync(null);
        Caller.Use(mallory.Credential);
        var challenge = await Session(mallory.SessionId).CertificateChallenge();
        // alice's certificate, signed with mallory's key.
        var signature = CertificateProof.Sign(mallorys, mallory.SessionId, challenge);
        var error = await RefusedAsync(() => Session(mallory.SessionId).AddCertificate(alices.RawData, [], signature));
        Caller.Use(null);
        Assert.Equal(CoordErrorCode.AuthFailed, error.Code);
    }

    [Fact]
    public async Task AnotherCas_Expired_NotYetValid_OrServerOnly_Certificates_FailTheConnect_WithAuthFailed()
    {
        using var otherCa = TestCertificateIssuer.Authority("another CA");
        X509Certificate2[] refused =
        [
            Certificate("other-ca", otherCa),
            Certificate("expired", notBefore: DateTimeOffset.UtcNow.AddHours(-20), notAfter: DateTimeOffset.UtcNow.AddHours(-1)),
            Certificate("future", notBefore: DateTimeOffset.UtcNow.AddDays(1), notAfter: DateTimeOffset.UtcNow.AddDays(10)),
            Certificate("server-only", clientAuthentication: false),
        ];
        foreach (var certificate in refused)
        {
            using var _ = certificate;
            var error = await RefusedAsync(() => ConnectAsync(certificate));
            Assert.True(error.Code == CoordErrorCode.AuthFailed, $"{certificate.Subject}: {error}");
        }
    }

    [Fact]
    public async Task X509Credential_EndsAtTheCertificatesNotAfter_RenewalsDoNotExtendIt()
    {
        // The certificate ends 2-3 s from the grid's (fake, standing) now (X.509 times are whole seconds): within the
        // second credential, which a renewal 1.5 s on would otherwise make last to 3.5 s.
        using var certificate = Certificate("short-lived", notAfter: fixture.Time.GetUtcNow() + TimeSpan.FromSeconds(3));
        var end = new DateTimeOffset(certificate.NotAfter.ToUniversalTime()); // whole seconds
        var identity = X509Identity.For(certificate);
        await using var owner = await ConnectAsync(certificate);
        var path = await owner.CreateAsync($"/x509-short-{Guid.NewGuid():N}", Encoding.UTF8.GetBytes("v"),
            [new AclEntry(AclPerms.All, identity.Scheme, identity.Id), new AclEntry(AclPerms.Admin, "world", "anyone")], cancellationToken: Ct);
        Assert.Equal("v", Encoding.UTF8.GetString((await owner.GetDataAsync(path, Ct)).Data));

        var held = owner.Credential;
        fixture.Time.Advance(TimeSpan.FromSeconds(1.5));
        await Poll.UntilAsync(() => Task.FromResult(owner.Credential.IssuedAtMs > held.IssuedAtMs), TimeSpan.FromSeconds(30),
            "the session's heartbeats did not renew its credential");
        Assert.Equal(end.ToUnixTimeMilliseconds(), owner.Credential.ExpiresAtMs);
        Assert.Equal("v", Encoding.UTF8.GetString((await owner.GetDataAsync(path, Ct)).Data));

        fixture.Time.SetUtcNow(end + Tolerance + TimeSpan.FromMilliseconds(1));
        Assert.Equal(CoordErrorCode.AuthFailed, (await RefusedAsync(() => owner.GetDataAsync(path, Ct))).Code);
    }
}

/// <summary>A grid whose silos trust no client CA (no <c>--tls-ca</c>) proves no certificate: AuthFailed, clearly.</summary>
public sealed class CertificateWithoutClientCaTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Certificate_OnAGridWithoutClientCas_FailsTheConnect_WithAuthFailed()
    {
        using var ca = TestCertificateIssuer.Authority("unknown CA");
        using var certificate = TestCertificateIssuer.Issue(ca, new X500DistinguishedName("CN=alice"), [TestCertificateIssuer.ClientAuthentication], false);
        var error = await Assert.ThrowsAsync<CoordException>(() =>
            CoordClient.ConnectAsync(fixture.Cluster.Client, new CoordClientOptions { Certificate = certificate }, TestContext.Current.CancellationToken));
        Assert.Equal(CoordErrorCode.AuthFailed, error.Code);
        Assert.Contains("--tls-ca", error.Message, StringComparison.Ordinal);
    }
}
