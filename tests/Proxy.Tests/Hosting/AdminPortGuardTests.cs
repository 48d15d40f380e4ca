using System.Net;
using System.Text;
using OrleansCoord.AdminAccess;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.Hosting;

/// <summary>
/// The proxy's admin port (docs/adr/016, GUARANTEES 175-176): loopback unless <c>--admin-listen</c>, whatever
/// <c>--listen</c> says; beyond loopback only behind TLS with a user/password or client certificates, else exit 2.
/// Proxies run as real processes, with no grid to reach (the admin port does not need one).
/// </summary>
public sealed class AdminPortGuardTests : IDisposable
{
    private const string Password = "admin:pass word";
    private readonly AdminTlsCertificates _certificates = AdminTlsCertificates.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _certificates.Dispose();

    private sealed record RunningProxy(ChildProcess Process, int Port, int AdminPort) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }

    private static ChildProcess Launch(int[] ports, params string[] flags) => ChildProcess.Start("proxy", ChildProcess.Dotnet,
        [BuildOutputs.ProxyDll, "--listen", "127.0.0.1", "--port", $"{ports[0]}", "--admin-port", $"{ports[1]}", "--server", "127.0.0.1:1",
         "--snapshot", Path.Combine(Path.GetTempPath(), $"proxy-test-{Guid.NewGuid():N}.json"), "--stop-with-stdin", "true", .. flags]);

    private static async Task<RunningProxy> StartAsync(HttpClient admin, string scheme, params string[] flags)
    {
        var ports = FreePorts.Pick(2);
        var proxy = new RunningProxy(Launch(ports, flags), ports[0], ports[1]);
        await Poll.UntilAsync(async () =>
        {
            if (proxy.Process.HasExited) throw new InvalidOperationException($"proxy exited:\n{proxy.Process.Output}");
            try
            {
                using var response = await admin.GetAsync($"{scheme}://127.0.0.1:{ports[1]}/healthz");
                return response.IsSuccessStatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), () => $"admin healthz\n{proxy.Process.Output}");
        return proxy;
    }

    private static string Basic(string userAndPassword) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userAndPassword));

    private static async Task<HttpStatusCode> GetAsync(HttpClient client, RunningProxy proxy, string path, string? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://127.0.0.1:{proxy.AdminPort}{path}");
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await client.SendAsync(request, Ct);
        return response.StatusCode;
    }

    [Fact]
    public async Task ByDefault_AdminListensOnLoopbackOnly_EvenWithTheMainPortOnAllAddresses()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var ports = FreePorts.Pick(2);
        await using var proxy = new RunningProxy(ChildProcess.Start("proxy", ChildProcess.Dotnet,
            [BuildOutputs.ProxyDll, "--listen", "0.0.0.0", "--port", $"{ports[0]}", "--admin-port", $"{ports[1]}", "--server", "127.0.0.1:1",
             "--snapshot", Path.Combine(Path.GetTempPath(), $"proxy-test-{Guid.NewGuid():N}.json"), "--stop-with-stdin", "true"]), ports[0], ports[1]);
        await Poll.UntilAsync(async () =>
        {
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{ports[1]}/metrics");
                return response.IsSuccessStatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), () => $"admin /metrics\n{proxy.Process.Output}");

        Assert.Contains(ListeningSockets.Addresses(ports[0]), address => address.Equals(IPAddress.Any));
        var admin = ListeningSockets.Addresses(ports[1]);
        Assert.NotEmpty(admin);
        Assert.All(admin, address => Assert.True(IPAddress.IsLoopback(address), $"admin port listens on {address}"));
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    public async Task BeyondLoopback_WithoutProtection_ExitCodeTwo_OneLine(string address)
    {
        await using var process = Launch(FreePorts.Pick(2), "--admin-listen", address);
        await Poll.UntilAsync(() => Task.FromResult(process.HasExited), TimeSpan.FromSeconds(60), () => $"the proxy exits\n{process.Output}");

        Assert.Equal(2, process.ExitCode);
        var line = Assert.Single(process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"BadArguments: --admin-listen {IPAddress.Parse(address)} is beyond loopback", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserWithAColon_ExitCodeTwo_OneLine()
    {
        await using var process = Launch(FreePorts.Pick(2), "--admin-listen", "0.0.0.0", "--admin-certificate", _certificates.ServerPem,
            "--admin-certificate-key", _certificates.ServerKey, "--admin-user", "ad:min", "--admin-password-hash", PasswordHash.Create("x", PasswordHash.MinimumIterations));
        await Poll.UntilAsync(() => Task.FromResult(process.HasExited), TimeSpan.FromSeconds(60), () => $"the proxy exits\n{process.Output}");

        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith("BadArguments: --admin-user: 'ad:min'", Assert.Single(process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_OverTls_RefusesWrongAndMissingCredentials_HealthzStaysOpen()
    {
        using var client = _certificates.Client();
        await using var proxy = await StartAsync(client, "https", "--admin-listen", "0.0.0.0", "--admin-certificate", _certificates.ServerPem,
            "--admin-certificate-key", _certificates.ServerKey, "--admin-user", "admin", "--admin-password-hash", PasswordHash.Create(Password, PasswordHash.MinimumIterations));

        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(client, proxy, "/metrics"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(client, proxy, "/metrics", Basic("admin:wrong")));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(client, proxy, "/metrics", "Basic %%%garbage%%%"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(client, proxy, "/metrics", Basic("adm:in:" + Password)));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, proxy, "/metrics", Basic("admin:" + Password)));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, proxy, "/healthz"));
        Assert.Equal(HttpStatusCode.NotFound, await GetAsync(client, proxy, "/other", Basic("admin:" + Password)));
        Assert.Contains(ListeningSockets.Addresses(proxy.AdminPort), address => !IPAddress.IsLoopback(address));
    }

    [Fact]
    public async Task ClientCertificates_OnlyTheConfiguredCaOpensMetrics()
    {
        using var anonymous = _certificates.Client();
        using var alice = _certificates.Client(_certificates.Alice);
        using var mallory = _certificates.Client(_certificates.Mallory);
        await using var proxy = await StartAsync(anonymous, "https", "--admin-listen", "0.0.0.0", "--admin-certificate", _certificates.ServerPem,
            "--admin-certificate-key", _certificates.ServerKey, "--admin-client-ca", _certificates.CaPem);

        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(anonymous, proxy, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(anonymous, proxy, "/healthz"));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => GetAsync(mallory, proxy, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(alice, proxy, "/metrics"));
    }

    [Fact]
    public async Task Insecure_ServesPlainHttpBeyondLoopback_AndWarns()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await using var proxy = await StartAsync(http, "http", "--admin-listen", "0.0.0.0", "--admin-insecure", "true");

        using var response = await http.GetAsync($"http://127.0.0.1:{proxy.AdminPort}/metrics", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("warning: --admin-port listens on 0.0.0.0 in plain HTTP", proxy.Process.Output, StringComparison.Ordinal);
    }
}
