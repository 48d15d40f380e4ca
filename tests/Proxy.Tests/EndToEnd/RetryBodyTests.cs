using System.Security.Cryptography;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.EndToEnd;

/// <summary>Idempotent requests with a body, retried on another instance when theirs is killed (nginx proxy_next_upstream).</summary>
[Collection(GridCollection.Name)]
public sealed class RetryBodyTests(GridFixture grid)
{
    [Fact]
    public async Task PutAndDeleteWithBody_KilledUpstream_RetriedOnTheOther_WithTheSameBytes()
    {
        var (cluster, a, b, proxy) = await StartAsync();
        await using var _a = a;
        await using var _b = b;
        await using var _proxy = proxy;

        await a.KillAsync();
        for (var i = 0; i < 8; i++)
        {
            var body = RandomNumberGenerator.GetBytes(10_000 + i);
            var (status, upstream, received) = await SendAsync(proxy, i % 2 == 0 ? HttpMethod.Put : HttpMethod.Delete, $"/{cluster}/doc/{i}", body);
            Assert.Equal((200, "b"), (status, upstream));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), received);
        }
    }

    [Fact]
    public async Task BodyAboveTheLimit_NotRetried_ClientSeesBadGateway()
    {
        var (cluster, a, b, proxy) = await StartAsync("--retry-body-limit", "1024");
        await using var _a = a;
        await using var _b = b;
        await using var _proxy = proxy;

        await a.KillAsync();
        var answers = new List<(int Status, string? Upstream)>();
        for (var i = 0; i < 6; i++)
        {
            var body = RandomNumberGenerator.GetBytes(4096);
            var (status, upstream, received) = await SendAsync(proxy, HttpMethod.Put, $"/{cluster}/big/{i}", body);
            answers.Add((status, upstream));
            if (status == 200) Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), received);
        }

        // Round robin over a dead and a live instance: every other request meets the dead one and is not retried.
        Assert.Equal(3, answers.Count(a => a == (502, null)));
        Assert.Equal(3, answers.Count(a => a == (200, "b")));
        // A small body on the same proxy still is.
        for (var i = 0; i < 4; i++) Assert.Equal(200, (await SendAsync(proxy, HttpMethod.Put, $"/{cluster}/small/{i}", new byte[100])).Status);
    }

    private async Task<(string Cluster, Upstream A, Upstream B, ProxyProcess Proxy)> StartAsync(params string[] flags)
    {
        var cluster = $"retrybody-{Guid.NewGuid():N}";
        var a = await Upstream.StartAsync("a");
        var b = await Upstream.StartAsync("b");
        var proxy = await ProxyProcess.StartAsync(grid.Silo, null, flags);
        // Passive health off: the dead instance keeps its turn, so each request sent to it needs the retry.
        await grid.Client.SetClusterAsync(cluster, new ClusterSpec(MaxFails: 0, Retries: 1));
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, a);
        await grid.Client.RegisterAsync(cluster, b);
        await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a", "b"]);
        return (cluster, a, b, proxy);
    }

    private static async Task<(int Status, string? Upstream, string? BodySha256)> SendAsync(ProxyProcess proxy, HttpMethod method, string path, byte[] body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        using var response = await proxy.Http.SendAsync(request);
        return ((int)response.StatusCode, Header(response, "X-Upstream-Id"), Header(response, "X-Body-Sha256"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}
