using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.EndToEnd;

/// <summary>HTTP/2 to clients: over TLS (ALPN) and as h2c with prior knowledge, balanced like HTTP/1.1.</summary>
[Collection(GridCollection.Name)]
public sealed class Http2Tests(GridFixture grid)
{
    [Fact]
    public async Task SelfSignedHttps_CurlNegotiatesHttp2_RequestsBalanced()
    {
        var cluster = $"h2-{Guid.NewGuid():N}";
        var httpsPort = FreePorts.Pick(1)[0];
        await using var a = await Upstream.StartAsync("a");
        await using var b = await Upstream.StartAsync("b");
        await using var proxy = await ProxyProcess.StartAsync(grid.Silo, null, "--https-port", $"{httpsPort}");
        await RouteAsync(cluster, a, b, proxy);

        var answers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            // -k: the certificate is the one the proxy made for itself. Prints the protocol and the answering upstream.
            await using var curl = ChildProcess.Start("curl", "curl",
                ["-sk", "--http2", "-o", "/dev/null", "-w", "%{http_version} %header{x-upstream-id}\n", $"https://127.0.0.1:{httpsPort}/{cluster}/h2/{i}"]);
            await Poll.UntilAsync(() => Task.FromResult(curl.HasExited), TimeSpan.FromSeconds(30), () => $"curl ends\n{curl.Output}");
            Assert.Equal(0, curl.ExitCode);
            answers.Add(curl.Output.Trim());
        }

        Assert.Equal(["2 a", "2 a", "2 b", "2 b"], answers.Order());
        Assert.Contains("self-signed certificate for localhost", proxy.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PemCertificate_HttpClientHttp2Exact_AndH2cPriorKnowledge_RequestsBalanced()
    {
        var cluster = $"h2pem-{Guid.NewGuid():N}";
        var ports = FreePorts.Pick(2);
        var directory = Directory.CreateTempSubdirectory("proxy-cert-");
        try
        {
            using var certificate = WritePem(directory.FullName, out var certificatePath, out var keyPath);
            await using var a = await Upstream.StartAsync("a");
            await using var b = await Upstream.StartAsync("b");
            await using var proxy = await ProxyProcess.StartAsync(grid.Silo, null, "--https-port", $"{ports[0]}", "--h2c-port", $"{ports[1]}",
                "--certificate", certificatePath, "--certificate-key", keyPath);
            await RouteAsync(cluster, a, b, proxy);

            // The proxy must present exactly our certificate.
            using var https = Http2Client(new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString() },
            });
            await AssertBalancedOverHttp2Async(https, $"https://localhost:{ports[0]}/{cluster}/tls");

            using var h2c = Http2Client(new SocketsHttpHandler());
            await AssertBalancedOverHttp2Async(h2c, $"http://127.0.0.1:{ports[1]}/{cluster}/h2c");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task UnreadableCertificate_ExitCodeTwo_OneClearLine()
    {
        var port = FreePorts.Pick(1)[0];
        await using var process = ChildProcess.Start("proxy", ChildProcess.Dotnet,
            [BuildOutputs.ProxyDll, "--https-port", $"{port}", "--certificate", "/nonexistent/cert.pem"]);
        await Poll.UntilAsync(() => Task.FromResult(process.HasExited), TimeSpan.FromSeconds(60), () => $"the proxy exits\n{process.Output}");
        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith("BadArguments: --certificate /nonexistent/cert.pem: ", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", process.Output, StringComparison.Ordinal);
    }

    private async Task RouteAsync(string cluster, Upstream a, Upstream b, ProxyProcess proxy)
    {
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, a);
        await grid.Client.RegisterAsync(cluster, b);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a", "b"]);
    }

    private static HttpClient Http2Client(SocketsHttpHandler handler) => new(handler)
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact, // no silent fall-back to HTTP/1.1
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static async Task AssertBalancedOverHttp2Async(HttpClient client, string url)
    {
        var upstreams = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.GetAsync($"{url}/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(HttpVersion.Version20, response.Version);
            upstreams.Add(response.Headers.GetValues("X-Upstream-Id").Single());
        }

        Assert.Equal(["a", "a", "b", "b"], upstreams.Order());
    }

    private static X509Certificate2 WritePem(string directory, out string certificatePath, out string keyPath)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        certificatePath = Path.Combine(directory, "proxy.crt.pem");
        keyPath = Path.Combine(directory, "proxy.key.pem");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return certificate;
    }
}
