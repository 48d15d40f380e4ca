namespace OrleansCoord.Proxy.Tests.Infrastructure;

/// <summary>The built proxy, run as a real process on free loopback ports against a test grid.</summary>
public sealed class ProxyProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private string? _ownedDirectory;

    private ProxyProcess(ChildProcess process, int port, int adminPort, string snapshotPath)
    {
        _process = process;
        Port = port;
        AdminPort = adminPort;
        SnapshotPath = snapshotPath;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int Port { get; }

    public int AdminPort { get; }

    public string SnapshotPath { get; }

    /// <summary>A client of the proxied port.</summary>
    public HttpClient Http { get; }

    /// <summary>A client of the admin port.</summary>
    public HttpClient Admin { get; }

    public string Output => _process.Output;

    /// <summary>Client connections the proxy still holds on its main port, open or closed by the client only
    /// (Linux: /proc/net/tcp, states ESTABLISHED and CLOSE_WAIT), to see that connections leave nothing behind.</summary>
    public int ClientConnectionsHeld =>
        new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists).SelectMany(File.ReadLines).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(fields => fields.Length > 3 && fields[1].EndsWith($":{Port:X4}", StringComparison.Ordinal) && fields[3] is "01" or "08");

    /// <summary>Starts the proxy and waits for its admin <c>/healthz</c>. <paramref name="snapshotPath"/>: one the caller owns
    /// (restart tests); without it, a fresh temporary one that goes with this object.</summary>
    public static async Task<ProxyProcess> StartAsync(GridSilo grid, string? snapshotPath = null, params string[] extraFlags) =>
        await StartAsync(grid.Gateway, grid.ClusterId, snapshotPath, extraFlags);

    public static Task<ProxyProcess> StartAsync(string server, string clusterId, string? snapshotPath, params string[] extraFlags) =>
        StartAsync(server, clusterId, snapshotPath, environment: null, extraFlags);

    /// <summary>As above, with <paramref name="environment"/> variables set for the proxy process.</summary>
    public static async Task<ProxyProcess> StartAsync(string server, string clusterId, string? snapshotPath,
        IReadOnlyDictionary<string, string>? environment, params string[] extraFlags)
    {
        var ports = FreePorts.Pick(2);
        var ownedDirectory = snapshotPath is null ? Path.Combine(Path.GetTempPath(), $"proxy-test-{Guid.NewGuid():N}") : null;
        snapshotPath ??= Path.Combine(ownedDirectory!, "snapshot.json");
        var process = ChildProcess.Start("proxy", ChildProcess.Dotnet,
            [BuildOutputs.ProxyDll, "--listen", "127.0.0.1", "--port", $"{ports[0]}", "--admin-port", $"{ports[1]}",
             "--server", server, "--cluster-id", clusterId, "--snapshot", snapshotPath,
             "--stop-with-stdin", "true", .. extraFlags], // gone with the test host even if it dies without stopping us
            workingDirectory: Path.GetDirectoryName(BuildOutputs.ProxyDll), environment: environment);
        var proxy = new ProxyProcess(process, ports[0], ports[1], snapshotPath) { _ownedDirectory = ownedDirectory };
        try
        {
            await Poll.UntilAsync(proxy.IsHealthyAsync, TimeSpan.FromSeconds(60), () => $"proxy healthy\n{process.Output}");
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>GET through the proxy: status and the answering upstream's id (null when no upstream answered).</summary>
    public async Task<(int Status, string? Upstream)> GetAsync(string path, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        configure?.Invoke(request);
        using var response = await Http.SendAsync(request);
        var id = response.Headers.TryGetValues("X-Upstream-Id", out var values) ? values.Single() : null;
        return ((int)response.StatusCode, id);
    }

    /// <summary>Polls until <paramref name="path"/> is answered by exactly the upstreams in <paramref name="expected"/>
    /// (over enough requests to see each), so that the proxy has taken a configuration change in.</summary>
    public Task WaitForUpstreamsAsync(string path, IReadOnlyCollection<string> expected, TimeSpan? timeout = null) =>
        Poll.UntilAsync(async () =>
        {
            var seen = new HashSet<string>();
            for (var i = 0; i < Math.Max(4, expected.Count * 4); i++)
            {
                // A different X-User each time, so that a consistent-hash cluster keyed on it shows all its instances.
                var (status, upstream) = await GetAsync(path, request => request.Headers.Add("X-User", $"probe-{Guid.NewGuid():N}"));
                if (status != 200 || upstream is null) return false;
                seen.Add(upstream);
            }

            return seen.SetEquals(expected);
        }, timeout ?? TimeSpan.FromSeconds(60), () => $"{path} answered by exactly [{string.Join(",", expected)}]\n{Output}");

    /// <summary>SIGTERM: a clean stop.</summary>
    public Task StopAsync() => _process.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Admin.Dispose();
        await _process.DisposeAsync();
        if (_ownedDirectory is not null && Directory.Exists(_ownedDirectory)) Directory.Delete(_ownedDirectory, recursive: true);
    }

    private async Task<bool> IsHealthyAsync()
    {
        if (_process.HasExited) throw new InvalidOperationException($"proxy exited:\n{_process.Output}");
        try
        {
            using var response = await Admin.GetAsync("/healthz");
            return response.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
