using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.EndToEnd;

/// <summary>
/// What the connection-level fast path (Proxy/FastPath) adds, checked with the fast path on and off: both request paths
/// must give a client and an upstream the same thing (headers, framing, pipelining, upgrades, pooled connections).
/// </summary>
[Collection(GridCollection.Name)]
public sealed class FastPathTests(GridFixture grid)
{
    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task HopByHopHeaders_Dropped_ForwardedHeadersSet_HostIsTheInstance(string fastPath)
    {
        await using var setup = await StartAsync(fastPath, "headers");
        await using var connection = await RawHttp.ConnectAsync(setup.Proxy.Port);
        await connection.SendAsync($"GET /{setup.Cluster}/x?q=1 HTTP/1.1\r\nHost: 127.0.0.1:{setup.Proxy.Port}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n" +
            "TE: trailers\r\nProxy-Authorization: Basic eDp5\r\nUpgrade-Insecure-Requests: 1\r\nForwarded: for=1.2.3.4\r\n" +
            "X-Forwarded-For: 1.2.3.4\r\nX-Forwarded-Proto: https\r\nX-Custom: kept  \r\n\r\n");
        var response = await connection.ReadResponseAsync();

        Assert.Equal(200, response.Status);
        Assert.Equal($"/{setup.Cluster}/x?q=1", response.Header("X-Seen-Path"));
        Assert.Equal($"127.0.0.1:{setup.Upstream.Port}", response.Header("X-Seen-Host"));
        Assert.Equal("kept", response.Header("X-Seen-X-Custom"));
        Assert.Equal("127.0.0.1", response.Header("X-Seen-X-Forwarded-For"));
        Assert.Equal("http", response.Header("X-Seen-X-Forwarded-Proto"));
        Assert.Equal($"127.0.0.1:{setup.Proxy.Port}", response.Header("X-Seen-X-Forwarded-Host"));
        foreach (var dropped in new[] { "Connection", "Keep-Alive", "TE", "Proxy-Authorization", "Upgrade-Insecure-Requests", "Forwarded" })
        {
            Assert.Null(response.Header($"X-Seen-{dropped}"));
        }

        await AssertServedAsync(setup, handoff: null);
    }

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task PipelinedRequests_AnsweredInOrder(string fastPath)
    {
        await using var setup = await StartAsync(fastPath, "pipelined");
        await using var connection = await RawHttp.ConnectAsync(setup.Proxy.Port);
        var paths = Enumerable.Range(1, 5).Select(i => $"/{setup.Cluster}/p{i}").ToList();
        // One write: the proxy reads several requests at once and must answer each, in order.
        await connection.SendAsync(string.Concat(paths.Select(p => $"GET {p} HTTP/1.1\r\nHost: x\r\n\r\n"))
            + $"POST /{setup.Cluster}/p6 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");

        foreach (var path in paths) Assert.Equal(path, (await connection.ReadResponseAsync()).Header("X-Seen-Path"));
        var post = await connection.ReadResponseAsync();
        Assert.Equal($"/{setup.Cluster}/p6", post.Header("X-Seen-Path"));
        Assert.Equal("5", post.Header("X-Body-Length"));
        await AssertServedAsync(setup, handoff: null);
    }

    /// <summary>Also when Connection names a header next to upgrade (Hosting/ConnectionHeaderEncoding then hands Kestrel
    /// <c>Upgrade, X-Secret, keep-alive</c>: still an upgrade).</summary>
    [Theory]
    [InlineData("on", "Upgrade")]
    [InlineData("off", "Upgrade")]
    [InlineData("on", "Upgrade, X-Secret")]
    [InlineData("off", "Upgrade, X-Secret")]
    public async Task UpgradeAfterPlainRequests_PassesThroughOnTheSameConnection(string fastPath, string connectionValue)
    {
        await using var setup = await StartAsync(fastPath, "upgrade");
        await using var connection = await RawHttp.ConnectAsync(setup.Proxy.Port);
        await connection.SendAsync($"GET /{setup.Cluster}/plain HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("a", (await connection.ReadResponseAsync()).Body);

        await connection.SendAsync($"GET /{setup.Cluster}/ws HTTP/1.1\r\nHost: x\r\nConnection: {connectionValue}\r\nUpgrade: websocket\r\n" +
            "X-Secret: 1\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        var upgraded = await connection.ReadResponseAsync();
        Assert.Equal(101, upgraded.Status);

        // One masked text frame "hi"; the upstream echoes "a:hi" unmasked.
        byte[] mask = [1, 2, 3, 4];
        await connection.SendAsync([0x81, 0x82, .. mask, (byte)('h' ^ mask[0]), (byte)('i' ^ mask[1])]);
        var frame = await connection.ReadExactlyAsync(6);
        Assert.Equal("a:hi", System.Text.Encoding.ASCII.GetString(frame, 2, 4));
        await AssertServedAsync(setup, handoff: "request");
    }

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task ChunkedAndCloseDelimitedAnswers_ReachTheClientWhole(string fastPath)
    {
        await using var setup = await StartAsync(fastPath, "framing");
        await using var connection = await RawHttp.ConnectAsync(setup.Proxy.Port);

        await connection.SendAsync($"GET /{setup.Cluster}/chunked/x HTTP/1.1\r\nHost: x\r\n\r\n");
        var chunked = await connection.ReadResponseAsync();
        Assert.Equal("a:chunked", chunked.Body);
        Assert.Equal("chunked", chunked.Header("Transfer-Encoding"));

        // The upstream ends this body by closing its connection; the client gets it chunked and keeps its connection.
        await connection.SendAsync($"GET /{setup.Cluster}/until-close/x HTTP/1.1\r\nHost: x\r\n\r\n");
        var untilClose = await connection.ReadResponseAsync();
        Assert.Equal("a:until-close", untilClose.Body);
        Assert.Equal("chunked", untilClose.Header("Transfer-Encoding"));

        await connection.SendAsync($"HEAD /{setup.Cluster}/after HTTP/1.1\r\nHost: x\r\n\r\nGET /{setup.Cluster}/after HTTP/1.1\r\nHost: x\r\n\r\n");
        var head = await connection.ReadResponseAsync(toHead: true);
        Assert.Equal(200, head.Status);
        Assert.Equal("", head.Body);
        Assert.Equal("a", (await connection.ReadResponseAsync()).Body);
        await AssertServedAsync(setup, handoff: null);
    }

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task LargeAnswerToASlowReader_ArrivesWhole_AndTheConnectionGoesOn(string fastPath)
    {
        await using var setup = await StartAsync(fastPath, "large");
        await using var connection = await RawHttp.ConnectAsync(setup.Proxy.Port);
        await connection.SendAsync($"GET /{setup.Cluster}/large/x HTTP/1.1\r\nHost: x\r\n\r\n");
        // Not reading for a while: the answer is larger than the sockets buffer, so the proxy must wait to send the rest.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var head = await connection.ReadResponseAsync(toHead: true);
        var body = await connection.ReadExactlyAsync(int.Parse(head.Header("Content-Length")!));

        Assert.Equal(200, head.Status);
        Assert.Equal(head.Header("X-Body-Sha256"), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)));
        await connection.SendAsync($"GET /{setup.Cluster}/after HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("a", (await connection.ReadResponseAsync()).Body);
        await AssertServedAsync(setup, handoff: null);
    }

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task UpstreamClosesAnIdlePooledConnection_NextRequestIsAnswered(string fastPath)
    {
        // No retries and one failure takes the instance out: only a fresh connection can answer the second request.
        await using var setup = await StartAsync(fastPath, "idle", new ClusterSpec(MaxFails: 1, Retries: 0), upstreamFlags: ["--idle-timeout-ms", "300"]);
        Assert.Equal(200, (await setup.Proxy.GetAsync($"/{setup.Cluster}/first")).Status);
        await Poll.UntilAsync(() => Task.FromResult(setup.Upstream.HasPrinted($"idle connection closed after /{setup.Cluster}/first")), TimeSpan.FromSeconds(30),
            () => $"the upstream closes the proxy's idle connection\n{setup.Proxy.Output}");

        var (status, upstream) = await setup.Proxy.GetAsync($"/{setup.Cluster}/second");
        Assert.Equal(200, status);
        Assert.Equal("a", upstream);
        await AssertServedAsync(setup, handoff: null);
    }

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task MalformedHead_Answered400_AndClosed(string fastPath)
    {
        await using var setup = await StartAsync(fastPath, "malformed");
        await using var connection = await RawHttp.ConnectAsync(setup.Proxy.Port);
        await connection.SendAsync($"GET /{setup.Cluster}/x HTTP/1.1\r\nHost: x\r\n\r\nGET /{setup.Cluster}/x HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n");

        Assert.Equal("a", (await connection.ReadResponseAsync()).Body);
        Assert.Equal(400, (await connection.ReadResponseAsync()).Status);
        Assert.True(await connection.IsClosedAsync());
        await AssertServedAsync(setup, handoff: "request");
    }

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task ConnectionClose_AnsweredThenClosed(string fastPath)
    {
        await using var setup = await StartAsync(fastPath, "close");
        await using var connection = await RawHttp.ConnectAsync(setup.Proxy.Port);
        await connection.SendAsync($"GET /{setup.Cluster}/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        var response = await connection.ReadResponseAsync();
        Assert.Equal("a", response.Body);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await connection.IsClosedAsync());
        await AssertServedAsync(setup, handoff: null);
    }

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task Stopping_FinishesTheAnswerInFlight_AndClosesIdleConnections(string fastPath)
    {
        await using var setup = await StartAsync(fastPath, "stop", upstreamFlags: ["--delay-path", "/{id}/slow", "--delay-ms", "5000"]);
        await using var idle = await RawHttp.ConnectAsync(setup.Proxy.Port);
        await idle.SendAsync($"GET /{setup.Cluster}/x HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("a", (await idle.ReadResponseAsync()).Body);
        await using var busy = await RawHttp.ConnectAsync(setup.Proxy.Port);
        await busy.SendAsync($"GET /{setup.Cluster}/slow HTTP/1.1\r\nHost: x\r\n\r\n");
        await Poll.UntilAsync(() => Task.FromResult(setup.Upstream.HasPrinted($"delaying /{setup.Cluster}/slow")), TimeSpan.FromSeconds(30),
            () => $"the slow request reaches the upstream\n{setup.Proxy.Output}");

        var stopping = setup.Proxy.StopAsync(); // SIGTERM
        var answer = await busy.ReadResponseAsync();

        Assert.Equal((200, "a"), (answer.Status, answer.Body));
        Assert.Equal("close", answer.Header("Connection"));
        Assert.True(await busy.IsClosedAsync());
        Assert.True(await idle.IsClosedAsync());
        await stopping;
    }

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task ClientsThatComeAndGo_LeaveNoSocketsBehind(string fastPath)
    {
        await using var setup = await StartAsync(fastPath, "churn");
        var before = setup.Proxy.ClientConnectionsHeld; // the test's own HttpClient keeps one
        for (var round = 0; round < 3; round++) await ChurnAsync(setup);

        // Every churning client has closed its end: the proxy must have closed (not just stopped reading) all of them.
        await Poll.UntilAsync(() => Task.FromResult(setup.Proxy.ClientConnectionsHeld == before), TimeSpan.FromSeconds(30),
            () => $"the proxy holds {setup.Proxy.ClientConnectionsHeld} client connections, {before} before the churn");
        Assert.Equal(200, (await setup.Proxy.GetAsync($"/{setup.Cluster}/still")).Status);
    }

    [Fact]
    public async Task AClientThatTakesNothingOfItsAnswer_IsDisconnectedAfterTheSendTimeout()
    {
        await using var setup = await StartAsync("on", "stall", proxyFlags: ["--send-timeout", "00:00:05"]);
        var (proxy, id) = (setup.Proxy, setup.Cluster);
        var before = proxy.ClientConnectionsHeld;

        // 32 MiB asked for and never read: the proxy's send waits once the sockets' buffers are full.
        await using var connection = await RawHttp.ConnectAsync(proxy.Port);
        await connection.SendAsync($"GET /{id}/large/x HTTP/1.1\r\nHost: x\r\n\r\n");
        await Poll.UntilAsync(() => Task.FromResult(proxy.ClientConnectionsHeld == before + 1), TimeSpan.FromSeconds(30), () => "the client is connected");

        await Poll.UntilAsync(() => Task.FromResult(proxy.ClientConnectionsHeld == before), TimeSpan.FromSeconds(30),
            () => $"the proxy disconnects the stalled client\n{proxy.Output}");
        Assert.True(await connection.IsClosedAsync());
        Assert.Equal((200, "a"), await proxy.GetAsync($"/{id}/after"));
    }

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task MaxConnections_ANewClientPastItIsClosed_AndASlotFreedIsUsedAgain(string fastPath)
    {
        const int max = 4;
        await using var setup = await StartAsync(fastPath, "limit", proxyFlags: ["--max-connections", $"{max}"]);
        var (proxy, id) = (setup.Proxy, setup.Cluster);
        var held = await ClientConnectionsAsync(proxy); // the test's HttpClient keeps the one it waited for the upstream with
        Assert.InRange(held, 1, max - 2);

        // A WebSocket (with the fast path on: a connection handed to Kestrel, still counted once) and plain requests fill up to the limit.
        var open = new List<RawHttp>();
        var webSocket = await RawHttp.ConnectAsync(proxy.Port);
        open.Add(webSocket);
        await webSocket.SendAsync($"GET /{id}/ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        Assert.Equal(101, (await webSocket.ReadResponseAsync()).Status);
        for (var i = held + 1; i < max; i++)
        {
            var connection = await RawHttp.ConnectAsync(proxy.Port);
            open.Add(connection);
            await connection.SendAsync($"GET /{id}/x/{i} HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Equal(200, (await connection.ReadResponseAsync()).Status);
        }

        Assert.Equal(max, await ClientConnectionsAsync(proxy));
        await using (var refused = await RawHttp.ConnectAsync(proxy.Port))
        {
            await refused.SendAsync($"GET /{id}/refused HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.True(await refused.IsClosedAsync());
        }

        Assert.Equal(1, Value(await proxy.Admin.GetStringAsync("/metrics"), "coord_proxy_client_connections_rejected_total"));

        // The WebSocket's end frees its slot: a new client is served (the proxy sees the close a moment later).
        await webSocket.DisposeAsync();
        open.Remove(webSocket);
        await Poll.UntilAsync(async () =>
        {
            await using var connection = await RawHttp.ConnectAsync(proxy.Port);
            await connection.SendAsync($"GET /{id}/again HTTP/1.1\r\nHost: x\r\n\r\n");
            try
            {
                return (await connection.ReadResponseAsync()).Status == 200;
            }
            catch (IOException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), () => "a client is served once a slot is free");

        // Every connection gone: the count is back where it started (none counted twice, none forgotten).
        foreach (var connection in open) await connection.DisposeAsync();
        await Poll.UntilAsync(async () => await ClientConnectionsAsync(proxy) == held, TimeSpan.FromSeconds(30),
            () => $"the proxy counts {held} client connections again");
    }

    // 60 clients at once: a third answered and gone, a third gone in the middle of a head, a third answered and then
    // gone in the middle of a body.
    private static async Task ChurnAsync(ProxyWithUpstream setup) => await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
    {
        await using var connection = await RawHttp.ConnectAsync(setup.Proxy.Port);
        if (i % 3 == 1)
        {
            await connection.SendAsync($"GET /{setup.Cluster}/x HTTP/1.1\r\nHo");
            return;
        }

        await connection.SendAsync($"GET /{setup.Cluster}/x/{i} HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, (await connection.ReadResponseAsync()).Status);
        if (i % 3 == 2) await connection.SendAsync($"POST /{setup.Cluster}/x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npart");
    }));

    private static async Task<long> ClientConnectionsAsync(ProxyProcess proxy) =>
        Value(await proxy.Admin.GetStringAsync("/metrics"), "coord_proxy_client_connections");

    private static long Value(string metrics, string series) =>
        long.Parse(metrics.Split('\n').Single(line => line.StartsWith(series + " ", StringComparison.Ordinal)).Split(' ')[1]);

    /// <summary>Which path served: with the fast path on, it answered requests and handed over only the expected
    /// connection; with it off, it answered none.</summary>
    internal static async Task AssertServedAsync(ProxyWithUpstream setup, string? handoff)
    {
        var lines = (await setup.Proxy.Admin.GetStringAsync("/metrics")).Split('\n');
        var served = long.Parse(lines.Single(l => l.StartsWith("coord_proxy_fast_path_requests_total ", StringComparison.Ordinal)).Split(' ')[1]);
        var handoffs = lines.Where(l => l.StartsWith("coord_proxy_fast_path_handoffs_total{", StringComparison.Ordinal)).ToList();
        if (setup.FastPath == "off")
        {
            Assert.Equal(0, served);
            Assert.Empty(handoffs);
            return;
        }

        Assert.True(served > 0, "the fast path answered requests");
        Assert.Equal(handoff is null ? [] : [$"coord_proxy_fast_path_handoffs_total{{reason=\"{handoff}\"}} 1"], handoffs);
    }

    private Task<ProxyWithUpstream> StartAsync(string fastPath, string name, ClusterSpec? cluster = null, string[]? upstreamFlags = null, string[]? proxyFlags = null) =>
        ProxyWithUpstream.StartAsync(grid, fastPath, name, cluster: cluster, upstreamFlags: upstreamFlags, proxyFlags: proxyFlags);
}
