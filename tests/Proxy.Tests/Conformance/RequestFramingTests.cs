using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.Conformance;

/// <summary>
/// Request smuggling and framing (RFC 9112 §6, RFC 9110 §5.5): a head or body the proxy cannot frame for sure is
/// answered 400 and its connection closed, never guessed at or passed on; a valid but unusual one (OWS around
/// <c>chunked</c>, chunk extensions) is framed exactly, so the request after it on the connection is its own. With the
/// fast path on and off. "{p}" stands for the test's path prefix.
/// </summary>
[Collection(GridCollection.Name)]
public sealed class RequestFramingTests(ConformanceFixture fixture) : IClassFixture<ConformanceFixture>
{
    private const string Smuggled = "GET {p}/smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    private const string Post = "POST {p}/t HTTP/1.1\r\nHost: x\r\n";

    /// <summary>The request and what the client gets: "400" (then the connection is closed; also for Content-Length with
    /// Transfer-Encoding, as nginx); "200:N" (the upstream got an N-byte body, and a GET pipelined behind it is answered as
    /// its own); "answered" (200 or 400, not silence).</summary>
    public static TheoryData<string, string, string> Cases => new()
    {
        { "cl-plus", Post + "Content-Length: +5\r\n\r\nhello", "400" },
        { "cl-minus-zero", Post + "Content-Length: -0\r\n\r\n", "400" },
        { "cl-hex", Post + "Content-Length: 0x5\r\n\r\nhello", "400" },
        { "cl-list", Post + "Content-Length: 5, 5\r\n\r\nhello", "400" },
        { "cl-inner-space", Post + "Content-Length: 5 5\r\n\r\nhello", "400" },
        { "cl-twice-same", Post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "400" },
        { "cl-twice-differing", Post + "Content-Length: 5\r\nContent-Length: 41\r\n\r\nhello" + Smuggled, "400" },
        { "cl-te", Post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + Smuggled, "400" },
        { "te-cl", Post + "Transfer-Encoding: chunked\r\nContent-Length: 41\r\n\r\n0\r\n\r\n" + Smuggled, "400" },
        { "te-twice", Post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400" },
        { "te-chunked-chunked", Post + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", "400" },
        { "te-chunked-identity", Post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + Smuggled, "400" },
        { "te-identity", Post + "Transfer-Encoding: identity\r\nContent-Length: 5\r\n\r\nhello", "400" },
        { "te-xchunked", Post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + Smuggled, "400" },
        { "te-space-before-colon", Post + "Transfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", "400" },
        { "te-obs-fold", Post + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n" + Smuggled, "400" },
        { "te-leading-space", Post + "Transfer-Encoding:  chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "200:5" },
        { "te-tab", Post + "Transfer-Encoding:\tchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "200:5" },
        { "te-upper-case", Post + "Transfer-Encoding: CHUNKED\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "200:5" },
        { "chunk-overflow", Post + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff5\r\nhello\r\n0\r\n\r\n", "400" },
        { "chunk-negative", Post + "Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n", "400" },
        { "chunk-not-hex", Post + "Transfer-Encoding: chunked\r\n\r\n5g\r\nhello\r\n0\r\n\r\n", "400" },
        { "chunk-no-crlf", Post + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n", "400" },
        { "chunk-lf-only", Post + "Transfer-Encoding: chunked\r\n\r\n5\nhello\n0\n\n" + Smuggled, "400" },
        { "chunk-extension", Post + "Transfer-Encoding: chunked\r\n\r\n5;name=\"value\"\r\nhello\r\n0\r\n\r\n", "200:5" },
        { "chunk-extension-lf", Post + "Transfer-Encoding: chunked\r\n\r\n5;a\nb\r\nhello\r\n0\r\n\r\n", "400" },
        { "chunk-leading-zeros", Post + "Transfer-Encoding: chunked\r\n\r\n00000000000000000000005\r\nhello\r\n0\r\n\r\n", "400" },
        { "obs-fold", "GET {p}/t HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", "400" },
        { "space-before-colon", "GET {p}/t HTTP/1.1\r\nHost: x\r\nX-A : a\r\n\r\n", "400" },
        { "nul-in-value", "GET {p}/t HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", "400" },
        { "cr-in-value", "GET {p}/t HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", "400" },
        { "nul-in-name", "GET {p}/t HTTP/1.1\r\nHost: x\r\nX\0A: a\r\n\r\n", "400" },
        { "bare-lf-head", "GET {p}/t HTTP/1.1\nHost: x\nX-A: a\n\n", "answered" },
        { "bare-lf-in-head", "GET {p}/t HTTP/1.1\r\nHost: x\r\nX-A: a\nX-B: b\r\n\r\n", "answered" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Request_FastPathOn(string name, string request, string expected) => AssertFramedAsync("on", name, request, expected);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Request_FastPathOff(string name, string request, string expected) => AssertFramedAsync("off", name, request, expected);

    /// <summary>Each Connection value on both paths: Kestrel replaces a value whose only option is keep-alive, close or
    /// upgrade by that option before the application runs, so Hosting/ConnectionHeaderEncoding keeps the names in it.
    /// The connection goes on after the answer (keep-alive is HTTP/1.1's default), except when the client said close.</summary>
    [Theory]
    [InlineData("on", "keep-alive, X-Secret, x-other")]
    [InlineData("off", "keep-alive, X-Secret, x-other")]
    [InlineData("on", "X-Secret, x-other")]
    [InlineData("off", "X-Secret, x-other")]
    [InlineData("on", "X-Secret,\tkeep-alive , x-other")]
    [InlineData("off", "X-Secret,\tkeep-alive , x-other")]
    [InlineData("on", "close, X-Secret, x-other")]
    [InlineData("off", "close, X-Secret, x-other")]
    public async Task HeadersNamedInConnection_AreNotForwarded(string fastPath, string connectionValue)
    {
        var (proxy, prefix) = (fixture.Proxy(fastPath), $"/{fixture.Cluster}/{fastPath}-{Guid.NewGuid():N}");
        var (response, connection) = await RawExchange.SendAsync(proxy.Port,
            $"GET {prefix}/t HTTP/1.1\r\nHost: x\r\nConnection: {connectionValue}\r\nX-Secret: 1\r\nX-Other: 2\r\nX-Kept: 3\r\n\r\n");
        await using (connection)
        {
            Assert.Equal(200, response?.Status);
            Assert.Null(response!.Header("X-Seen-X-Secret"));
            Assert.Null(response.Header("X-Seen-X-Other"));
            Assert.Equal("3", response.Header("X-Seen-X-Kept"));
            if (connectionValue.StartsWith("close", StringComparison.Ordinal))
            {
                Assert.True(await connection.IsClosedAsync());
                return;
            }

            await connection.SendAsync($"GET {prefix}/again HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Equal($"r:{prefix}/again", (await connection.ReadResponseAsync()).Body);
        }
    }

    private async Task AssertFramedAsync(string fastPath, string name, string request, string expected)
    {
        var (proxy, prefix) = (fixture.Proxy(fastPath), $"/{fixture.Cluster}/{fastPath}-{name}");
        // Pipelined behind a well-framed body only: behind a malformed head its CRLFCRLF would end that head.
        var after = expected.StartsWith("200:", StringComparison.Ordinal) ? $"GET {prefix}/after HTTP/1.1\r\nHost: x\r\n\r\n" : "";
        var (response, connection) = await RawExchange.SendAsync(proxy.Port, request.Replace("{p}", prefix, StringComparison.Ordinal) + after);
        await using (connection)
        {
            Assert.NotNull(response); // never silence, never a connection dropped without an answer
            if (expected == "400")
            {
                Assert.Equal(400, response.Status);
                Assert.True(await connection.IsClosedAsync());
            }
            else if (expected.StartsWith("200:", StringComparison.Ordinal))
            {
                Assert.Equal((200, expected[4..]), (response.Status, response.Header("X-Body-Length")));
                Assert.Equal($"r:{prefix}/after", (await connection.ReadResponseAsync()).Body);
            }
            else
            {
                Assert.Contains(response.Status, new[] { 200, 400 });
            }
        }

        // Whatever was hidden in a body never became a request of its own at the upstream.
        await RawExchange.AssertOwnAnswerAsync(proxy.Port, $"{prefix}/check");
        Assert.False(fixture.Rogue.HasPrinted($"request {prefix}/smuggled"));
    }
}
