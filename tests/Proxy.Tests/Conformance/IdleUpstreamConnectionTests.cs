using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.Conformance;

/// <summary>
/// Pooled upstream connections never carry one exchange's leftovers into another's: an upstream that speaks out of turn
/// (stray bytes on an idle connection, more than its framing said, an end of stream) has that connection closed, and
/// clients on different connections get only their own answers. With the fast path on and off.
/// </summary>
[Collection(GridCollection.Name)]
public sealed class IdleUpstreamConnectionTests(ConformanceFixture fixture) : IClassFixture<ConformanceFixture>
{
    private const int Clients = 6;

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task StrayBytesOnAnIdleConnection_NeverReachAClient(string fastPath)
    {
        var (proxy, prefix) = (fixture.Proxy(fastPath), $"/{fixture.Cluster}/{fastPath}-{Guid.NewGuid():N}");
        await RawExchange.AssertOwnAnswerAsync(proxy.Port, $"{prefix}/stray");
        // The upstream has written a whole unasked answer on the connection, which is now idle in the pool.
        await Poll.UntilAsync(() => Task.FromResult(fixture.Rogue.HasPrinted($"stray sent {prefix}/stray")), TimeSpan.FromSeconds(30),
            () => "the upstream sends its stray answer");

        for (var i = 0; i < Clients; i++) await RawExchange.AssertOwnAnswerAsync(proxy.Port, $"{prefix}/n{i}");
    }

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task BytesBeyondTheAnswersFraming_NeverReachAClient(string fastPath)
    {
        var (proxy, prefix) = (fixture.Proxy(fastPath), $"/{fixture.Cluster}/{fastPath}-{Guid.NewGuid():N}");
        await RawExchange.AssertOwnAnswerAsync(proxy.Port, $"{prefix}/extra");

        for (var i = 0; i < Clients; i++) await RawExchange.AssertOwnAnswerAsync(proxy.Port, $"{prefix}/n{i}");
    }

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task UpstreamClosesAfterAnAnswer_NextRequestsAreAnswered(string fastPath)
    {
        var (proxy, prefix) = (fixture.Proxy(fastPath), $"/{fixture.Cluster}/{fastPath}-{Guid.NewGuid():N}");
        await RawExchange.AssertOwnAnswerAsync(proxy.Port, $"{prefix}/close");

        for (var i = 0; i < Clients; i++) await RawExchange.AssertOwnAnswerAsync(proxy.Port, $"{prefix}/n{i}");
    }

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task PipelinedRequestsOfManyClients_EachGetsItsOwnAnswersInOrder(string fastPath)
    {
        var (proxy, prefix) = (fixture.Proxy(fastPath), $"/{fixture.Cluster}/{fastPath}-{Guid.NewGuid():N}");
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async client =>
        {
            await using var connection = await RawHttp.ConnectAsync(proxy.Port);
            var paths = Enumerable.Range(0, 4).Select(i => $"{prefix}/c{client}/r{i}").ToList();
            // One write each: GETs and a POST whose body looks like a request, which must stay a body.
            await connection.SendAsync(string.Concat(paths.Select(p => $"GET {p} HTTP/1.1\r\nHost: x\r\n\r\n"))
                + $"POST {prefix}/c{client}/post HTTP/1.1\r\nHost: x\r\nContent-Length: 31\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x");
            foreach (var path in paths)
            {
                var response = await connection.ReadResponseAsync();
                Assert.Equal((200, $"r:{path}"), (response.Status, response.Body));
            }

            var post = await connection.ReadResponseAsync();
            Assert.Equal($"r:{prefix}/c{client}/post", post.Body);
            Assert.Equal("31", post.Header("X-Body-Length"));
        }));
    }
}
