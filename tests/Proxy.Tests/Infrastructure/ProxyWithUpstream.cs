using OrleansCoord.Client.Proxy;

namespace OrleansCoord.Proxy.Tests.Infrastructure;

/// <summary>
/// A proxy (<c>--fast-path</c> on or off) and one upstream ("a") serving cluster <see cref="Cluster"/> under
/// <c>/Cluster/</c>, for the tests of the two request paths (FastPathTests, FastPathTlsTests). With <c>https</c> the
/// proxy also has an HTTPS port (<see cref="HttpsPort"/>, its self-signed certificate); 0 without.
/// </summary>
internal sealed record ProxyWithUpstream(ProxyProcess Proxy, Upstream Upstream, string Cluster, string FastPath, int HttpsPort = 0) : IAsyncDisposable
{
    /// <summary>Starts both and waits until the proxy routes to the upstream. "{id}" in an upstream flag stands for the
    /// cluster's id (<c>name-fastPath-guid</c>, <c>tls-</c> before it with <paramref name="https"/>).</summary>
    public static async Task<ProxyWithUpstream> StartAsync(GridFixture grid, string fastPath, string name, bool https = false, ClusterSpec? cluster = null,
        string[]? upstreamFlags = null, string[]? proxyFlags = null)
    {
        var id = $"{(https ? "tls-" : "")}{name}-{fastPath}-{Guid.NewGuid():N}";
        var httpsPort = https ? FreePorts.Pick(1)[0] : 0;
        var upstream = await Upstream.StartAsync("a", [.. (upstreamFlags ?? []).Select(flag => flag.Replace("{id}", id, StringComparison.Ordinal))]);
        string[] httpsFlags = https ? ["--https-port", $"{httpsPort}"] : [];
        var proxy = await ProxyProcess.StartAsync(grid.Silo, null, ["--fast-path", fastPath, .. httpsFlags, .. proxyFlags ?? []]);
        if (cluster is not null) await grid.Client.SetClusterAsync(id, cluster);
        await grid.Client.SetRouteAsync(id, new RouteSpec($"/{id}/{{**rest}}", id));
        await grid.Client.RegisterAsync(id, upstream);
        await proxy.WaitForUpstreamsAsync($"/{id}/x", ["a"]);
        return new ProxyWithUpstream(proxy, upstream, id, fastPath, httpsPort);
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
