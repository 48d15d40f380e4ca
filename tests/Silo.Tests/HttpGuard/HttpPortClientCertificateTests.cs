using System.Net;

namespace OrleansCoord.Silo.Tests.HttpGuard;

/// <summary>
/// The silo's HTTP port beyond loopback with TLS and client certificates (<c>--http-client-ca</c>; docs/adr/016,
/// GUARANTEES 173): a certificate of the configured CA opens every path, none opens only <c>/healthz</c>, another CA's
/// fails the handshake.
/// </summary>
public sealed class HttpPortClientCertificateTests(CertificateGuardedSiloFixture fixture) : IClassFixture<CertificateGuardedSiloFixture>
{
    public static readonly TheoryData<string> Guarded = new() { "metrics", "commands/mntr", "dashboard/", "dashboard/version" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Uri Url(string path) => new(fixture.Silo.HttpBase, path);

    [Theory]
    [MemberData(nameof(Guarded))]
    public async Task RightCertificate_Is200(string path)
    {
        using var client = fixture.Certificates.Client(fixture.Certificates.Alice);
        using var response = await client.GetAsync(Url(path), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Guarded))]
    public async Task NoCertificate_Is403(string path)
    {
        using var client = fixture.Certificates.Client();
        using var response = await client.GetAsync(Url(path), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task NoCertificate_Healthz_Is200()
    {
        using var client = fixture.Certificates.Client();
        using var response = await client.GetAsync(Url("healthz"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AnotherCasCertificate_FailsTheHandshake_AndThePortServesOn()
    {
        using var mallory = fixture.Certificates.Client(fixture.Certificates.Mallory);
        using var alice = fixture.Certificates.Client(fixture.Certificates.Alice);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => mallory.GetAsync(Url("healthz"), Ct));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => mallory.GetAsync(Url("metrics"), Ct));
        using var after = await alice.GetAsync(Url("metrics"), Ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
