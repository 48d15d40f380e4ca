using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.Conformance;

/// <summary>
/// Request smuggling and framing (RFC 9112 §6, RFC 9110 §5.5): a head or body the proxy cannot frame for sure is
/// answered 400 (431, 414 for heads past the limits) and its connection closed, never guessed at or passed on; a valid
/// but unusual one (OWS around <c>chunked</c>, chunk extensions, trailers) is framed exactly, so the request after it on
/// the connection is its own. With the fast path on and off; the cases are <see cref="RequestCases"/>. After each, a
/// request hidden in a body never reached the upstream, and the next client is served.
/// </summary>
[Collection(GridCollection.Name)]
public sealed class RequestFramingTests(ConformanceFixture fixture) : IClassFixture<ConformanceFixture>
{
    public static TheoryData<string, string> Cases => new(RequestCases.All.Select(c => (c.Family, c.Name)));

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Request_FastPathOn(string family, string name) => AssertFramedAsync("on", family, name);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Request_FastPathOff(string family, string name) => AssertFramedAsync("off", family, name);

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

    /// <summary>As nginx (<c>underscores_in_headers off</c>), on both paths: an upstream that maps names to variables
    /// would take <c>x_forwarded_for</c> for the X-Forwarded-For the proxy writes.</summary>
    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task HeadersNamedWithAnUnderscore_AreNotForwarded(string fastPath)
    {
        var (proxy, prefix) = (fixture.Proxy(fastPath), $"/{fixture.Cluster}/{fastPath}-{Guid.NewGuid():N}");
        var (response, connection) = await RawExchange.SendAsync(proxy.Port,
            $"GET {prefix}/t HTTP/1.1\r\nHost: x\r\nX_Secret: 1\r\nx_forwarded_for: 6.6.6.6\r\nX-Kept: 3\r\n\r\n");
        await using (connection)
        {
            Assert.Equal(200, response?.Status);
            Assert.Null(response!.Header("X-Seen-X_Secret"));
            Assert.Null(response.Header("X-Seen-x_forwarded_for"));
            Assert.DoesNotContain("6.6.6.6", response.Header("X-Seen-X-Forwarded-For") ?? "");
            Assert.Equal("3", response.Header("X-Seen-X-Kept"));
        }
    }

    private async Task AssertFramedAsync(string fastPath, string family, string name)
    {
        var @case = RequestCases.All.Single(c => c.Family == family && c.Name == name);
        var prefix = $"/{fixture.Cluster}/{fastPath}-{name}";
        var observed = await Outcome.ObserveAsync(fixture.Proxy(fastPath).Port, prefix, @case.Request, @case.After(prefix), fixture.Rogue);
        Assert.True(Outcome.Matches(@case.Expected, observed), $"{name}: expected {@case.Expected}, got {observed}");
    }
}
