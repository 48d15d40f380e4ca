using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.EndToEnd;

/// <summary>
/// The HTTPS port served by the fast path (Proxy.FastPath/Tls, docs/adr/011): TLS ended on the event loops, plain
/// requests answered there as on the cleartext port, the rest (and HTTP/2 agreed by ALPN) handed to Kestrel decrypted,
/// in the same TLS session. The fast path's counters in /metrics tell which path answered.
/// </summary>
[Collection(GridCollection.Name)]
public sealed class FastPathTlsTests(GridFixture grid)
{
    [Fact]
    public async Task TlsRequests_AnsweredByTheFastPath_WithTheHeadersYarpSendsOverHttps()
    {
        await using var setup = await StartAsync("https", "on");
        var before = await FastPathRequestsAsync(setup.Proxy);
        await using var connection = await RawHttp.ConnectTlsAsync(setup.HttpsPort, SslApplicationProtocol.Http11);
        Assert.Equal("http/1.1", connection.NegotiatedProtocol);

        // Pipelined in one write, a body among them.
        await connection.SendAsync($"GET /{setup.Cluster}/one HTTP/1.1\r\nHost: 127.0.0.1:{setup.HttpsPort}\r\nX-Forwarded-Proto: http\r\n\r\n" +
            $"POST /{setup.Cluster}/two HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
            $"GET /{setup.Cluster}/chunked/three HTTP/1.1\r\nHost: x\r\n\r\n");
        var one = await connection.ReadResponseAsync();
        var two = await connection.ReadResponseAsync();
        var three = await connection.ReadResponseAsync();

        Assert.Equal((200, $"/{setup.Cluster}/one"), (one.Status, one.Header("X-Seen-Path")));
        Assert.Equal("https", one.Header("X-Seen-X-Forwarded-Proto"));
        Assert.Equal($"127.0.0.1:{setup.HttpsPort}", one.Header("X-Seen-X-Forwarded-Host"));
        Assert.Equal("127.0.0.1", one.Header("X-Seen-X-Forwarded-For"));
        Assert.Equal((200, "5"), (two.Status, two.Header("X-Body-Length")));
        Assert.Equal("a:chunked", three.Body);

        // An answer far larger than a TLS record and the socket's buffer, to a client that reads late.
        await connection.SendAsync($"GET /{setup.Cluster}/large/x HTTP/1.1\r\nHost: x\r\n\r\n");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var head = await connection.ReadResponseAsync(toHead: true);
        var body = await connection.ReadExactlyAsync(int.Parse(head.Header("Content-Length")!));
        Assert.Equal(head.Header("X-Body-Sha256"), Convert.ToHexStringLower(SHA256.HashData(body)));

        Assert.Equal(before + 4, await FastPathRequestsAsync(setup.Proxy));
        Assert.Empty(await HandoffsAsync(setup.Proxy));
    }

    [Fact]
    public async Task ARequestTheFastPathLeaves_KestrelAnswersItAndTheRest_InTheSameTlsSession()
    {
        await using var setup = await StartAsync("handoff", "on");
        var before = await FastPathRequestsAsync(setup.Proxy);
        await using var connection = await RawHttp.ConnectTlsAsync(setup.HttpsPort, SslApplicationProtocol.Http11);
        Assert.Equal("http/1.1", connection.NegotiatedProtocol);

        await connection.SendAsync($"GET /{setup.Cluster}/fast HTTP/1.1\r\nHost: x\r\n\r\n");
        var fast = await connection.ReadResponseAsync();
        // A body larger than the fast path buffers: it hands the connection to Kestrel, this request first.
        var large = new string('x', 100_000);
        await connection.SendAsync($"POST /{setup.Cluster}/large-body HTTP/1.1\r\nHost: x\r\nContent-Length: {large.Length}\r\n\r\n{large}" +
            $"GET /{setup.Cluster}/after HTTP/1.1\r\nHost: x\r\n\r\n");
        var handed = await connection.ReadResponseAsync();
        var after = await connection.ReadResponseAsync();

        Assert.Equal((200, "https"), (fast.Status, fast.Header("X-Seen-X-Forwarded-Proto")));
        Assert.Equal((200, "100000", "https"), (handed.Status, handed.Header("X-Body-Length"), handed.Header("X-Seen-X-Forwarded-Proto")));
        Assert.Equal((200, $"/{setup.Cluster}/after", "https"), (after.Status, after.Header("X-Seen-Path"), after.Header("X-Seen-X-Forwarded-Proto")));
        Assert.Equal(before + 1, await FastPathRequestsAsync(setup.Proxy));
        Assert.Equal(["coord_proxy_fast_path_handoffs_total{reason=\"body\"} 1"], await HandoffsAsync(setup.Proxy));
    }

    [Fact]
    public async Task Http2AgreedByAlpn_IsServedByKestrel_AndAClientWithoutAlpnGetsHttp11OnTheFastPath()
    {
        await using var setup = await StartAsync("h2", "on");
        var before = await FastPathRequestsAsync(setup.Proxy);
        using var client = new HttpClient(new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true } })
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.GetAsync($"https://localhost:{setup.HttpsPort}/{setup.Cluster}/h2/{i}");
            Assert.Equal((HttpStatusCode.OK, HttpVersion.Version20), (response.StatusCode, response.Version));
            Assert.Equal("https", response.Headers.GetValues("X-Seen-X-Forwarded-Proto").Single());
        }

        await using var connection = await RawHttp.ConnectTlsAsync(setup.HttpsPort);
        Assert.Equal("", connection.NegotiatedProtocol);
        await connection.SendAsync($"GET /{setup.Cluster}/no-alpn HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("https", (await connection.ReadResponseAsync()).Header("X-Seen-X-Forwarded-Proto"));

        Assert.Equal(before + 1, await FastPathRequestsAsync(setup.Proxy));
        Assert.Equal(["coord_proxy_fast_path_handoffs_total{reason=\"h2\"} 1"], await HandoffsAsync(setup.Proxy)); // one HTTP/2 connection
    }

    /// <summary>With the fast path off, Kestrel's HTTPS port does the same: what is not TLS is closed unanswered.</summary>
    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task ClientsThatDoNotSpeakTls_AreClosed_AndTheNextClientIsServed(string fastPath)
    {
        await using var setup = await StartAsync("not-tls", fastPath);
        var before = await FastPathRequestsAsync(setup.Proxy);

        await using (var garbage = await RawHttp.ConnectAsync(setup.HttpsPort))
        {
            await garbage.SendAsync("\0\u0001garbage, not a ClientHello\r\n\r\n");
            Assert.True(await garbage.IsClosedAsync());
        }

        await using (var plain = await RawHttp.ConnectAsync(setup.HttpsPort))
        {
            await plain.SendAsync($"GET /{setup.Cluster}/plain HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.True(await plain.IsClosedAsync());
        }

        // A handshake record cut short, then the client goes: the proxy is left waiting in the middle of a handshake.
        await using (var cut = await RawHttp.ConnectAsync(setup.HttpsPort))
        {
            await cut.SendAsync([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);
        }

        await using var good = await RawHttp.ConnectTlsAsync(setup.HttpsPort, SslApplicationProtocol.Http11);
        await good.SendAsync($"GET /{setup.Cluster}/next HTTP/1.1\r\nHost: x\r\n\r\n");
        var answer = await good.ReadResponseAsync();
        Assert.Equal((200, "https"), (answer.Status, answer.Header("X-Seen-X-Forwarded-Proto")));
        Assert.Equal(fastPath == "on" ? before + 1 : 0, await FastPathRequestsAsync(setup.Proxy));
        Assert.Empty(await HandoffsAsync(setup.Proxy));
        Assert.DoesNotContain("fail", setup.Proxy.Output, StringComparison.OrdinalIgnoreCase); // nothing logged as a failure
    }

    /// <summary>A client that opens a connection and sends nothing, or half a ClientHello, and then waits, is
    /// disconnected once <c>--tls-handshake-timeout</c> has run out (Kestrel's HandshakeTimeout with the fast path off),
    /// and the port goes on serving.</summary>
    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task AClientThatStallsItsHandshake_IsDisconnectedAfterTheHandshakeTimeout_AndTheNextIsServed(string fastPath)
    {
        await using var setup = await StartAsync("stalled", fastPath, "--tls-handshake-timeout", "00:00:01");
        var before = await FastPathRequestsAsync(setup.Proxy);
        await using var silent = await RawHttp.ConnectAsync(setup.HttpsPort);
        await using var half = await RawHttp.ConnectAsync(setup.HttpsPort);
        // A handshake record's header announcing 512 bytes, then the first bytes of a ClientHello, and no more.
        await half.SendAsync([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);

        // Waited for, not timed: far longer than the timeout, so only a proxy that never closes them fails.
        Assert.True(await silent.IsClosedAsync(within: TimeSpan.FromSeconds(30)), "the silent client is disconnected");
        Assert.True(await half.IsClosedAsync(within: TimeSpan.FromSeconds(30)), "the client with half a ClientHello is disconnected");

        await using var good = await RawHttp.ConnectTlsAsync(setup.HttpsPort, SslApplicationProtocol.Http11);
        await good.SendAsync($"GET /{setup.Cluster}/after HTTP/1.1\r\nHost: x\r\n\r\n");
        var answer = await good.ReadResponseAsync();
        Assert.Equal((200, "https"), (answer.Status, answer.Header("X-Seen-X-Forwarded-Proto")));
        Assert.Equal(fastPath == "on" ? before + 1 : before, await FastPathRequestsAsync(setup.Proxy));
        Assert.DoesNotContain("fail", setup.Proxy.Output, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A WebSocket upgrade on the HTTPS port, after a plain request on the same connection: the fast path
    /// hands the connection to Kestrel decrypted (Handoff/DecryptedConnection.cs), YARP upgrades it with the instance,
    /// and frames go both ways through the same TLS session.</summary>
    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task WebSocketUpgradeOverTls_AfterAPlainRequest_EchoesFramesThroughTheSameSession(string fastPath)
    {
        await using var setup = await StartAsync("websocket", fastPath);
        var before = await FastPathRequestsAsync(setup.Proxy);
        await using var connection = await RawHttp.ConnectTlsAsync(setup.HttpsPort, SslApplicationProtocol.Http11);
        await connection.SendAsync($"GET /{setup.Cluster}/plain HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("a", (await connection.ReadResponseAsync()).Body);

        await connection.SendAsync($"GET /{setup.Cluster}/ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        var upgraded = await connection.ReadResponseAsync(toHead: true);
        Assert.Equal((101, "websocket"), (upgraded.Status, upgraded.Header("Upgrade")));
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", upgraded.Header("Sec-WebSocket-Accept"));

        // Masked text frames "hi" and then "there"; the instance echoes each as "a:<text>", unmasked.
        byte[] mask = [1, 2, 3, 4];
        foreach (var text in new[] { "hi", "there" })
        {
            var payload = System.Text.Encoding.ASCII.GetBytes(text).Select((b, i) => (byte)(b ^ mask[i % 4]));
            await connection.SendAsync([0x81, (byte)(0x80 | text.Length), .. mask, .. payload]);
            var frame = await connection.ReadExactlyAsync(2 + 2 + text.Length);
            Assert.Equal((0x81, 2 + text.Length), (frame[0], (int)frame[1]));
            Assert.Equal($"a:{text}", System.Text.Encoding.ASCII.GetString(frame, 2, 2 + text.Length));
        }

        Assert.Equal(fastPath == "on" ? before + 1 : before, await FastPathRequestsAsync(setup.Proxy));
        Assert.Equal(fastPath == "on" ? ["coord_proxy_fast_path_handoffs_total{reason=\"request\"} 1"] : [], await HandoffsAsync(setup.Proxy));
    }

    /// <summary>The fast path counts a connection from its arrival; one it hands over (decrypted, or HTTP/2) leaves its
    /// count and Kestrel counts it again: each open connection is counted once, whichever path serves it.</summary>
    [Fact]
    public async Task HttpsConnections_CountedOnceWhileOpen_WhicheverPathServesThem_AndNoneLeftWhenClosed()
    {
        await using var setup = await StartAsync("count", "on");
        var held = await ClientConnectionsAsync(setup.Proxy);
        var fast = await RawHttp.ConnectTlsAsync(setup.HttpsPort, SslApplicationProtocol.Http11);
        var handed = await RawHttp.ConnectTlsAsync(setup.HttpsPort, SslApplicationProtocol.Http11);
        var http2 = new HttpClient(new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true } })
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
        try
        {
            await fast.SendAsync($"GET /{setup.Cluster}/fast HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Equal(200, (await fast.ReadResponseAsync()).Status);
            var large = new string('x', 100_000);
            await handed.SendAsync($"POST /{setup.Cluster}/handed HTTP/1.1\r\nHost: x\r\nContent-Length: {large.Length}\r\n\r\n{large}");
            Assert.Equal(200, (await handed.ReadResponseAsync()).Status);
            using (var response = await http2.GetAsync($"https://localhost:{setup.HttpsPort}/{setup.Cluster}/h2"))
            {
                Assert.Equal((HttpStatusCode.OK, HttpVersion.Version20), (response.StatusCode, response.Version));
            }

            Assert.Equal(held + 3, await ClientConnectionsAsync(setup.Proxy));
        }
        finally
        {
            await fast.DisposeAsync();
            await handed.DisposeAsync();
            http2.Dispose();
        }

        await Poll.UntilAsync(async () => await ClientConnectionsAsync(setup.Proxy) == held, TimeSpan.FromSeconds(30),
            () => $"the proxy counts {held} client connections again");
        Assert.Equal(["coord_proxy_fast_path_handoffs_total{reason=\"body\"} 1", "coord_proxy_fast_path_handoffs_total{reason=\"h2\"} 1"],
            (await HandoffsAsync(setup.Proxy)).Order());
    }

    private static async Task<long> ClientConnectionsAsync(ProxyProcess proxy) =>
        long.Parse((await proxy.Admin.GetStringAsync("/metrics")).Split('\n')
            .Single(line => line.StartsWith("coord_proxy_client_connections ", StringComparison.Ordinal)).Split(' ')[1]);

    private static async Task<long> FastPathRequestsAsync(ProxyProcess proxy) =>
        long.Parse((await proxy.Admin.GetStringAsync("/metrics")).Split('\n')
            .Single(line => line.StartsWith("coord_proxy_fast_path_requests_total ", StringComparison.Ordinal)).Split(' ')[1]);

    private static async Task<List<string>> HandoffsAsync(ProxyProcess proxy) =>
        [.. (await proxy.Admin.GetStringAsync("/metrics")).Split('\n').Where(l => l.StartsWith("coord_proxy_fast_path_handoffs_total{", StringComparison.Ordinal))];

    private Task<ProxyWithUpstream> StartAsync(string name, string fastPath, params string[] proxyFlags) =>
        ProxyWithUpstream.StartAsync(grid, fastPath, name, https: true, proxyFlags: proxyFlags);
}
