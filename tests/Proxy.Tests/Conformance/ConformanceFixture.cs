using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.Conformance;

/// <summary>
/// One upstream that misbehaves on purpose (Upstream/rogue.py) behind two proxies, the fast path on and off, for the
/// conformance tests of one class. Each proxy runs one event loop, so every request of a test meets the same pool of
/// idle upstream connections (with one loop per core a poisoned connection would be met by every other client only).
/// No retries: a refused answer reaches the client as the proxy's 502, not as another attempt's answer. A header timeout
/// of <see cref="HeaderTimeout"/> (nginx's client_header_timeout) keeps the slow-client tests short.
/// </summary>
public sealed class ConformanceFixture(GridFixture grid) : IAsyncLifetime
{
    private readonly Dictionary<string, ProxyProcess> _proxies = [];

    /// <summary>The proxies' <c>--header-timeout</c>.</summary>
    public static readonly TimeSpan HeaderTimeout = TimeSpan.FromSeconds(3);

    public Upstream Rogue { get; private set; } = null!;

    /// <summary>The cluster and the route prefix: requests go to <c>/Cluster/...</c>.</summary>
    public string Cluster { get; } = $"conformance-{Guid.NewGuid():N}";

    public ProxyProcess Proxy(string fastPath) => _proxies[fastPath];

    public async ValueTask InitializeAsync()
    {
        Rogue = await Upstream.StartRogueAsync("r");
        await grid.Client.SetClusterAsync(Cluster, new ClusterSpec(MaxFails: 1000, Retries: 0));
        await grid.Client.SetRouteAsync(Cluster, new RouteSpec($"/{Cluster}/{{**rest}}", Cluster));
        await grid.Client.RegisterAsync(Cluster, Rogue);
        foreach (var fastPath in new[] { "on", "off" })
        {
            var proxy = await ProxyProcess.StartAsync(grid.Silo, null, ["--fast-path", fastPath, "--loops", "1", "--header-timeout", $"{HeaderTimeout}"]);
            _proxies[fastPath] = proxy;
            await proxy.WaitForUpstreamsAsync($"/{Cluster}/x", ["r"]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var proxy in _proxies.Values) await proxy.DisposeAsync();
        if (Rogue is not null) await Rogue.DisposeAsync();
    }
}
