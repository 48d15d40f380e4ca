using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace OrleansCoord.Proxy.Tests.FastPath;

/// <summary>
/// Connections accepted outside Kestrel (as the fast path's event loop accepts them: a raw non-blocking fd) and handed
/// to a real Kestrel with the bytes already read from them: Kestrel serves them as if it had read everything itself.
/// </summary>
public sealed class HandoffTransportTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hand_HeadSplitBetweenPrefixAndSocket_AnsweredRight(bool inlineIo)
    {
        await using var server = await StartAsync(inlineIo);
        await using var client = await server.ConnectAsync();

        var accepted = await server.HandOverAsync(client, "GET /a/b?x=1 HTTP/1.1\r\nHo");
        await client.SendAsync("st: x\r\n\r\n");

        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal($"GET /a/b?x=1 from {accepted.Peer} body=", response.Body);
    }

    [Fact]
    public async Task Hand_PrefixHoldsHeadAndPartOfBody_BodyWhole()
    {
        await using var server = await StartAsync();
        await using var client = await server.ConnectAsync();

        var accepted = await server.HandOverAsync(client, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello");
        await client.SendAsync(" world");

        Assert.Equal($"POST /upload from {accepted.Peer} body=hello world", (await client.ReadResponseAsync()).Body);
    }

    [Fact]
    public async Task Hand_ChunkedBodyLargerThanTheInputLimit_ArrivesWhole()
    {
        await using var server = await StartAsync();
        await using var client = await server.ConnectAsync();

        var accepted = await server.HandOverAsync(client, "POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        // 3 MiB, three times Kestrel's input limit: the copy into the prefixed pipe must follow Kestrel's reads.
        var chunk = Encoding.ASCII.GetBytes($"10000\r\n{new string('x', 0x10000)}\r\n");
        for (var i = 0; i < 48; i++) await client.SendAsync(chunk);
        await client.SendAsync("0\r\n\r\n");

        Assert.Equal($"POST /big from {accepted.Peer} body={48 * 0x10000} chars", (await client.ReadResponseAsync()).Body);
    }

    [Fact]
    public async Task Hand_KeepAlive_SecondRequestStartedInPrefixFinishedAfter_BothAnswered()
    {
        await using var server = await StartAsync();
        await using var client = await server.ConnectAsync();

        // What a fast path that read ahead holds: one whole request and the start of the next.
        var accepted = await server.HandOverAsync(client, "GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /sec");

        Assert.Equal($"GET /first from {accepted.Peer} body=", (await client.ReadResponseAsync()).Body);
        await client.SendAsync("ond HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal($"GET /second from {accepted.Peer} body=", (await client.ReadResponseAsync()).Body);
        await client.SendAsync("GET /third HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal($"GET /third from {accepted.Peer} body=", (await client.ReadResponseAsync()).Body);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hand_WebSocketUpgrade_EchoedEndToEnd(bool inlineIo)
    {
        await using var server = await StartAsync(inlineIo);
        using var client = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(Bound);

        var connecting = client.ConnectAsync(new Uri($"ws://{server.PublicEndPoint}/ws"), timeout.Token);
        var accepted = await server.PublicPort.AcceptHeadAsync(); // the whole upgrade request, as the fast path reads it
        Assert.Contains("Upgrade: websocket", Encoding.ASCII.GetString(accepted.AlreadyRead), StringComparison.OrdinalIgnoreCase);
        server.Handoff.Hand(accepted.Socket, accepted.AlreadyRead);
        await connecting;

        foreach (var message in new[] { "hello", "again" })
        {
            await client.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, timeout.Token);
            var buffer = new byte[256];
            var received = await client.ReceiveAsync(buffer, timeout.Token);
            Assert.Equal(message, Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    [Fact]
    public async Task Hand_RemoteAddressSeenByTheApp_IsTheClients()
    {
        await using var server = await StartAsync();
        await using var client = await server.ConnectAsync();

        var accepted = await server.HandOverAsync(client, "GET /who HTTP/1.1\r\nHost: x\r\n\r\n");

        // The peer address accept4 reported, not the listening port nor anything the Socket wrapper made up.
        var body = (await client.ReadResponseAsync()).Body;
        Assert.NotEqual(server.PublicEndPoint.Port, accepted.Peer.Port);
        Assert.Equal($"GET /who from {accepted.Peer} body=", body);
    }

    [Fact]
    public async Task Bind_OnlyTheHandoffEndPoint_OtherPortsStayKestrelsSockets()
    {
        await using var server = await StartAsync();

        // Kestrel names the handoff listener by the public address (its log line and server addresses).
        var addresses = server.Addresses;
        Assert.Contains($"http://{server.PublicEndPoint}", addresses);
        var socketPort = Assert.Single(addresses, address => address != $"http://{server.PublicEndPoint}");
        using var http = new HttpClient { BaseAddress = new Uri(socketPort) };
        Assert.StartsWith("GET /direct from 127.0.0.1:", await http.GetStringAsync("/direct"));
    }

    [Fact]
    public async Task Hand_MalformedHead_KestrelAnswers400AndCloses()
    {
        await using var server = await StartAsync();
        await using var client = await server.ConnectAsync();

        await server.HandOverAsync(client, "GET / HTTP/1.1\r\nHost: x\r\nNo colon\r\n\r\n");

        Assert.Equal(400, (await client.ReadResponseAsync()).Status);
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Hand_AppAbortsTheConnection_ClientSeesItClosed()
    {
        await using var server = await StartAsync();
        await using var client = await server.ConnectAsync();

        await server.HandOverAsync(client, "GET /abort HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Hand_ClientClosesInTheMiddleOfABody_TheRequestIsAborted()
    {
        await using var server = await StartAsync();
        var client = await server.ConnectAsync();

        await server.HandOverAsync(client, "POST /cut HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab");
        await client.DisposeAsync();

        // The read ends either way (Kestrel's own socket connections race the same two ways): with "unexpected end of
        // request content" when the input's end is seen first, or cancelled when the closed token's abort is.
        var failure = await server.BodyReadFailed.WaitAsync(Bound);
        Assert.True(failure is OperationCanceledException or BadHttpRequestException, $"unexpected failure: {failure}");
        // The socket connection's closed token is the one Kestrel's request processing listens to (RequestAborted); it
        // must fire, as on a connection Kestrel accepted.
        await server.ConnectionClosed.WaitAsync(Bound);
    }

    [Fact]
    public async Task Hand_BeforeTheListenerIsBound_ClosesTheConnection()
    {
        await using var server = await StartAsync(start: false);
        await using var client = await server.ConnectAsync();

        await server.HandOverAsync(client, "GET / HTTP/1.1\r\n");

        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task StopApp_ClosesHandedOverConnections_AndLaterHandoffs()
    {
        const string request = "GET /kept HTTP/1.1\r\nHost: x\r\n\r\n";
        await using var server = await StartAsync();
        await using var client = await server.ConnectAsync();
        await server.HandOverAsync(client, request);
        Assert.Equal(200, (await client.ReadResponseAsync()).Status); // now an idle keep-alive connection of Kestrel's

        await server.App.StopAsync().WaitAsync(Bound);
        Assert.True(await client.IsClosedAsync());

        await using var late = await server.ConnectAsync();
        await server.HandOverAsync(late, request);
        Assert.True(await late.IsClosedAsync());
    }

    private static async Task<HandoffServer> StartAsync(bool inlineIo = false, bool start = true)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the fast path's event loop, and these raw accepts, are Linux's");
        var server = HandoffServer.Create(inlineIo);
        if (start) await server.StartAsync();
        return server;
    }
}
