using System.Net;
using OrleansCoord.AdminAccess;

namespace OrleansCoord.Silo.Tests.HttpGuard;

/// <summary>
/// Where the silo's HTTP port listens and when it refuses to start (docs/adr/016, GUARANTEES 170, 174): loopback unless
/// <c>--http-listen</c> (also with <c>--advertised-ip</c>); beyond loopback never without TLS and credentials, unless
/// <c>--http-insecure</c>, which is logged.
/// </summary>
public sealed class HttpPortExposureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> RefusedLineAsync(params string[] flags)
    {
        await using var silo = SiloProcess.Start(SiloPorts.Pick(), ["--storage", "Memory", .. flags]);
        Assert.Equal(2, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(silo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", line);
        return line;
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    public async Task BeyondLoopback_WithoutProtection_RefusesToStart(string address)
    {
        var line = await RefusedLineAsync("--http-listen", address);

        Assert.Contains("--http-listen", line);
        Assert.Contains("--http-client-ca", line);
    }

    [Fact]
    public async Task BeyondLoopback_TlsWithoutCredentials_RefusesToStart()
    {
        using var certificates = AdminTlsCertificates.Create();

        var line = await RefusedLineAsync("--http-listen", "0.0.0.0", "--tls-certificate", certificates.ServerPem, "--tls-key", certificates.ServerKey);

        Assert.Contains("--http-user", line);
    }

    [Fact]
    public async Task Credentials_WithoutCertificate_RefusesToStart()
    {
        var line = await RefusedLineAsync("--http-listen", "0.0.0.0", "--http-user", "alice",
            "--http-password-hash", PasswordHash.Create("pw", PasswordHash.MinimumIterations));

        Assert.Contains("--tls-certificate", line);
    }

    [Theory]
    [InlineData("sha1$1$salt$aGFzaA==")]
    [InlineData("pbkdf2_sha256$1000$salt$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")] // too few iterations
    [InlineData("alice-password")]
    public async Task UnusablePasswordHash_RefusesToStart(string hash)
    {
        using var certificates = AdminTlsCertificates.Create();

        var line = await RefusedLineAsync("--http-listen", "0.0.0.0", "--tls-certificate", certificates.ServerPem, "--tls-key", certificates.ServerKey,
            "--http-user", "alice", "--http-password-hash", hash);

        Assert.Contains("--http-password-hash", line);
    }

    [Fact]
    public async Task ByDefault_AlsoWithAdvertisedIp_TheHttpPortListensOnLoopbackOnly()
    {
        await using var silo = await SiloProcess.StartHealthyAsync($"http-lo-{Guid.NewGuid():N}"[..20], "--storage", "Memory", "--advertised-ip", "127.0.0.1");

        var addresses = ListeningSockets.Addresses(silo.Ports.Http);
        Assert.NotEmpty(addresses);
        Assert.All(addresses, address => Assert.True(IPAddress.IsLoopback(address), $"HTTP port listens on {address}"));
    }

    [Fact]
    public async Task Insecure_ServesPlainHttpBeyondLoopback_AndSaysSo()
    {
        await using var silo = await SiloProcess.StartHealthyAsync($"http-insecure-{Guid.NewGuid():N}"[..24], "--storage", "Memory",
            "--http-listen", "0.0.0.0", "--http-insecure");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        using var metrics = await http.GetAsync(new Uri(silo.HttpBase, "metrics"), Ct);

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains(ListeningSockets.Addresses(silo.Ports.Http), address => !IPAddress.IsLoopback(address));
        Assert.Contains("--http-insecure", silo.Output);
    }
}
