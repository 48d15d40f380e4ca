using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using OrleansCoord.Client;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Client.Tls;
using OrleansCoord.Errors;
using OrleansCoord.Silo.Tests.ZooKeeper;
using OrleansCoord.Silo.Tests.ZooKeeper.Tls;
using static OrleansCoord.Silo.Tests.GridConnect;

namespace OrleansCoord.Silo.Tests.Tls;

/// <summary>
/// <c>--grid-tls</c> with real processes: two silos talk over TLS, SDK, CLI and proxy connect with certificates, and a
/// gateway that requires one refuses every client that lacks a certificate of its CA, quickly and with ConnectionLoss.
/// </summary>
public sealed class GridTlsTests(GridTlsFixture grid) : IClassFixture<GridTlsFixture>
{
    // Well under the SDK's request timeout below: a refused client must fail on the refusal, not wait for the timeout.
    private static readonly TimeSpan RefusedWithin = TimeSpan.FromSeconds(20);

    private TestCertificates Certificates => grid.Certificates;

    [Fact]
    public async Task TwoSilos_WithGridTls_ShareTheTree_ThroughEitherGateway()
    {
        var path = $"/grid-tls-{Guid.NewGuid():N}";
        await using (var writer = await ConnectAsync(grid.First, Tls(Certificates.CaPem, Certificates.Alice)))
        {
            await writer.CreateAsync(path, Utf8("written through the first gateway"), cancellationToken: Ct);
        }

        // The second silo's gateway reaches the znode's grain wherever it lives: over the TLS silo-to-silo connection.
        await using var reader = await ConnectAsync(grid.Second, Tls(Certificates.CaPem, Certificates.Bob));
        Assert.Equal("written through the first gateway", Text((await reader.GetDataAsync(path, Ct)).Data));
    }

    [Fact]
    public async Task Client_WithoutCertificate_IsRefused_WithConnectionLoss()
    {
        var error = await RefusedAsync(grid.First, Tls(Certificates.CaPem, client: null));
        Assert.Equal(CoordErrorCode.ConnectionLoss, error.Code);
    }

    [Fact]
    public async Task Client_WithAnotherCasCertificate_IsRefused()
    {
        var error = await RefusedAsync(grid.First, Tls(Certificates.CaPem, Certificates.Mallory));
        Assert.Equal(CoordErrorCode.ConnectionLoss, error.Code);
    }

    [Fact]
    public async Task PlainClient_AgainstTlsGateway_IsRefused()
    {
        var error = await RefusedAsync(grid.First, tls: null);
        Assert.Equal(CoordErrorCode.ConnectionLoss, error.Code);
    }

    [Fact]
    public async Task Client_ThatTrustsAnotherCa_RefusesTheSilo()
    {
        var error = await RefusedAsync(grid.First, Tls(Certificates.OtherCaPem, Certificates.Alice));
        Assert.Equal(CoordErrorCode.ConnectionLoss, error.Code);
    }

    [Fact]
    public async Task SiloPort_TakesASilosCertificate_NotAClients()
    {
        using var silo = X509Certificate2.CreateFromPemFile(Certificates.ServerPem, Certificates.ServerKey);
        Assert.True(await SiloPortAcceptsAsync(silo), "the silo's own certificate");
        Assert.False(await SiloPortAcceptsAsync(Certificates.Alice.Certificate), "a client's certificate, from the grid's CA");
        Assert.False(await SiloPortAcceptsAsync(null), "no certificate");
    }

    [Fact]
    public async Task StalledHandshakes_OnTheGatewayAndTheSiloPort_AreDropped_WhileClientsAreServed()
    {
        // On the gateway and on the silo-to-silo port, one client sends nothing and one part of a ClientHello.
        var stalled = await StalledTlsClients.OpenAsync([grid.First.Ports.Gateway, grid.First.Ports.Silo], Ct);
        try
        {
            // While they stall, a client with a certificate connects through that gateway and is served.
            var path = $"/grid-tls-stalled-{Guid.NewGuid():N}";
            await using (var client = await ConnectAsync(grid.First, Tls(Certificates.CaPem, Certificates.Alice)))
            {
                await client.CreateAsync(path, Utf8("served"), cancellationToken: Ct);
                Assert.Equal("served", Text((await client.GetDataAsync(path, Ct)).Data));
            }

            // Orleans' TLS handshake timeout (10 s) closes all four; each gets 30 s.
            var closed = await Task.WhenAll(stalled.Select(tcp => StalledTlsClients.ClosedWithoutAnswerAsync(tcp.GetStream(), TimeSpan.FromSeconds(30), Ct)));
            Assert.All(closed, Assert.True);
        }
        finally
        {
            foreach (var tcp in stalled) tcp.Dispose();
        }
    }

    [Fact]
    public async Task Cli_WithCertificateAndCa_WritesAndReads()
    {
        var path = $"/grid-tls-cli-{Guid.NewGuid():N}";
        var (created, createdOutput) = await CoordAsync(grid.First, "--ca", Certificates.CaPem, "--certificate", Certificates.Alice.Pem, "create", path, "from the cli");
        Assert.True(created == 0, createdOutput);
        var (read, readOutput) = await CoordAsync(grid.Second, "--ca", Certificates.CaPem, "--certificate", Certificates.Alice.Pem, "get", path);
        Assert.True(read == 0, readOutput);
        Assert.Contains("from the cli", readOutput, StringComparison.Ordinal);

        var (refused, refusedOutput) = await CoordAsync(grid.First, "get", path);
        Assert.True(refused != 0, refusedOutput);
        Assert.Contains("ConnectionLoss", refusedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProxyStartedByTheSilo_ReachesTheTlsGateway()
    {
        await using var client = await ConnectAsync(grid.First, Tls(Certificates.CaPem, Certificates.Alice));
        var status = ProxyPaths.StatusOf($"{System.Net.Dns.GetHostName()}-{grid.ProxyPort}");
        await Poll.UntilAsync(async () => await client.ExistsAsync(status, Ct) is not null, TimeSpan.FromSeconds(60),
            () => $"the proxy never wrote {status}; silo output:\n{grid.First.Output}", TimeSpan.FromMilliseconds(250));
    }

    private static CoordTlsOptions Tls(string caPem, TestCertificates.Client? client) =>
        CoordTlsOptions.FromFiles(caPem, client?.Pem);

    private Task<CoordClient> ConnectAsync(SiloProcess silo, CoordTlsOptions? tls) =>
        CoordClient.ConnectAsync(new CoordClientOptions
        {
            Servers = [silo.Gateway],
            ClusterId = grid.ClusterId,
            RequestTimeout = TimeSpan.FromSeconds(30),
            Tls = tls,
        }, Ct);

    private async Task<CoordException> RefusedAsync(SiloProcess silo, CoordTlsOptions? tls)
    {
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<CoordException>(async () => await (await ConnectAsync(silo, tls)).DisposeAsync());
        Assert.True(clock.Elapsed < RefusedWithin, $"refused only after {clock.Elapsed.TotalSeconds:0.#} s: {error.Message}");
        return error;
    }

    // A TLS handshake on the silo-to-silo port, then a read: a refused certificate ends in a failed handshake or a
    // closed connection (TLS 1.3 tells the client only after its own handshake is done); an accepted one waits for
    // Orleans' preamble, so the read times out.
    private async Task<bool> SiloPortAcceptsAsync(X509Certificate2? certificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", grid.First.Ports.Silo, Ct);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ClientCertificates = certificate is null ? null : [certificate],
            }, Ct);
            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            quiet.CancelAfter(TimeSpan.FromSeconds(3));
            return await tls.ReadAsync(new byte[1], quiet.Token) > 0;
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            return true;
        }
        catch (Exception exception) when (exception is IOException or System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
    }

    private async Task<(int ExitCode, string Output)> CoordAsync(SiloProcess silo, params string[] arguments)
    {
        var coord = typeof(GridTlsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CoordDll").Value!;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = ExternalTool.StartInfo(dotnet, [coord, "--server", silo.Gateway, "--cluster-id", grid.ClusterId, .. arguments]);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("COORD_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
        return await ExternalTool.RunAsync(start, "", TimeSpan.FromMinutes(2));
    }
}
