using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace OrleansCoord.Silo.Tests.HttpGuard;

/// <summary>
/// The silo's HTTP port beyond loopback with TLS and a user/password (docs/adr/016, GUARANTEES 171-172): every path but
/// <c>/healthz</c> needs the password; malformed, oversized and near-miss credentials are refused and the port serves on.
/// </summary>
public sealed class HttpPortBasicAuthTests(BasicGuardedSiloFixture fixture) : IClassFixture<BasicGuardedSiloFixture>
{
    // Each one is served by a different front end: Prometheus' exporter, ZooKeeper's AdminServer, the Orleans dashboard,
    // the grid explorer (its page and its API).
    public static readonly TheoryData<string> Guarded = new() { "metrics", "commands/mntr", "dashboard/", "dashboard/version", "explorer", "explorer/api/node?path=/" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpResponseMessage> GetAsync(string path, string? authorization)
    {
        using var client = fixture.Certificates.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Silo.HttpBase, path));
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await client.SendAsync(request, Ct);
    }

    private static string Basic(string userAndPassword) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userAndPassword));

    [Theory]
    [MemberData(nameof(Guarded))]
    public async Task Guarded_WithoutCredentials_Is401WithABasicChallenge(string path)
    {
        using var response = await GetAsync(path, null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Theory]
    [MemberData(nameof(Guarded))]
    public async Task Guarded_WrongPassword_Is401(string path)
    {
        using var response = await GetAsync(path, Basic($"{BasicGuardedSiloFixture.User}:not-the-password"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Guarded))]
    public async Task Guarded_RightPassword_Is200(string path)
    {
        using var response = await GetAsync(path, Basic($"{BasicGuardedSiloFixture.User}:{BasicGuardedSiloFixture.Password}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RightPassword_ThenWrongOnes_AreStillRefused()
    {
        // An accepted header is remembered; that must not let a different one through.
        using var right = await GetAsync("metrics", Basic($"{BasicGuardedSiloFixture.User}:{BasicGuardedSiloFixture.Password}"));
        using var wrong = await GetAsync("metrics", Basic($"{BasicGuardedSiloFixture.User}:{BasicGuardedSiloFixture.Password}x"));
        using var otherUser = await GetAsync("metrics", Basic($"bob:{BasicGuardedSiloFixture.Password}"));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (right.StatusCode, wrong.StatusCode, otherUser.StatusCode));
    }

    [Fact]
    public async Task Healthz_WithoutCredentials_Is200()
    {
        using var response = await GetAsync("healthz", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("Basic")] // no credentials after the scheme
    [InlineData("Basic !!!not-base64!!!")]
    [InlineData("Basic YWxpY2U=")] // "alice": no colon
    [InlineData("Basic //79/Q==")] // bytes that are not UTF-8
    [InlineData("Bearer YWxpY2U6czNjcmV0OndpdGggY29sb24=")] // the right credentials under another scheme
    [InlineData("Basic OnMzY3JldDp3aXRoIGNvbG9u")] // ":s3cret:with colon": the password without its user
    [InlineData("Basic YWxpOmNlOnMzY3JldDp3aXRoIGNvbG9u")] // "ali:ce:s3cret:with colon": a user cut at its colon
    public async Task MalformedOrNearMissAuthorization_Is401(string authorization)
    {
        using var response = await GetAsync("metrics", authorization);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task UserWithAColon_IsRefusedAtStart()
    {
        await using var silo = SiloProcess.Start(SiloPorts.Pick(), "--storage", "Memory", "--http-listen", "0.0.0.0",
            "--tls-certificate", fixture.Certificates.ServerPem, "--tls-key", fixture.Certificates.ServerKey,
            "--http-user", "ali:ce", "--http-password-hash", AdminAccess.PasswordHash.Create("x", AdminAccess.PasswordHash.MinimumIterations));

        Assert.Equal(2, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(silo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--http-user", line);
    }

    [Fact]
    public async Task HugeAuthorizationHeaders_AreRefused_AndThePortServesOn()
    {
        var garbage = "Basic " + new string('A', 20_000); // valid base64, far past what is decoded
        var oversized = "Basic " + new string('A', 64 * 1024); // past Kestrel's 32 KiB of request headers

        using var large = await GetAsync("metrics", garbage);
        using var tooLarge = await GetAsync("metrics", oversized);
        using var after = await GetAsync("metrics", Basic($"{BasicGuardedSiloFixture.User}:{BasicGuardedSiloFixture.Password}"));

        Assert.Equal(HttpStatusCode.Unauthorized, large.StatusCode);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, tooLarge.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task PlainHttp_OnTheTlsPort_GetsNoAnswer()
    {
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync($"http://127.0.0.1:{fixture.Silo.Ports.Http}/metrics", Ct));
    }
}
