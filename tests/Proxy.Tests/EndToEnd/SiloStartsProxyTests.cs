using System.Diagnostics;
using System.Text.RegularExpressions;
using OrleansCoord.Client;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.EndToEnd;

/// <summary>The README's one command: a silo started with <c>--proxy-port</c> brings the proxy up with it and takes it down with it.</summary>
public sealed partial class SiloStartsProxyTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task OneCommand_RegisteredUpstreamAnswersOnTheProxyPort_ProxyStopsWithTheSilo()
    {
        await using var a = await Upstream.StartAsync("a");
        var started = await StartSiloWithProxyAsync();
        await using var silo = started.Silo;
        try
        {
            await using (var client = await ConnectAsync(started))
            {
                await client.SetRouteAsync("one", new RouteSpec("/one/{**rest}", "one"));
                await client.RegisterAsync("one", a);
                await Poll.UntilAsync(async () => await UpstreamAtAsync($"http://127.0.0.1:{started.ProxyPort}/one/x") == "a",
                    TimeSpan.FromSeconds(60), () => $"upstream a answers through the proxy port\n{silo.Output}");
            }

            await silo.StopAsync();
            await Poll.UntilAsync(async () => !await AnswersAsync(started.AdminPort), TimeSpan.FromSeconds(30), () => $"the proxy stopped\n{silo.Output}");
            Assert.True(ProxyPid(silo) is not { } pid || HasExited(pid), $"proxy process still there\n{silo.Output}");
        }
        finally
        {
            await CleanUpAsync(silo, started);
        }
    }

    /// <summary>
    /// The data plane outlives its control plane (issue 23, item 4): a SIGKILLed silo leaves its proxy serving, the silo
    /// started next on the same ports adopts that proxy (same pid, no second one) and the proxy follows the grid again
    /// through it; a clean stop of that silo then stops the proxy.
    /// </summary>
    [Fact]
    public async Task SiloKilled_ProxyKeepsServing_NextSiloAdoptsIt_CleanStopStopsIt()
    {
        await using var a = await Upstream.StartAsync("a");
        var started = await StartSiloWithProxyAsync();
        var silo = started.Silo;
        ChildProcess? next = null;
        int? pid = null;
        try
        {
            var client = await ConnectAsync(started);
            await client.SetRouteAsync("one", new RouteSpec("/one/{**rest}", "one"));
            await client.RegisterAsync("one", a);
            await Poll.UntilAsync(async () => await UpstreamAtAsync($"http://127.0.0.1:{started.ProxyPort}/one/x") == "a",
                TimeSpan.FromSeconds(60), () => $"upstream a answers through the proxy port\n{silo.Output}");
            pid = ProxyPid(silo) ?? throw new InvalidOperationException($"no 'Proxy started (pid N)' line\n{silo.Output}");

            await silo.KillAloneAsync(); // SIGKILL: the silo says goodbye to nobody.
            await client.AbandonAsync();
            Assert.False(HasExited(pid.Value), $"proxy {pid} died with its silo\n{silo.Output}");
            Assert.Equal("a", await UpstreamAtAsync($"http://127.0.0.1:{started.ProxyPort}/one/x"));

            next = await RestartSiloAsync(started);
            await Poll.UntilAsync(() => Task.FromResult(AdoptedPid(next) is not null), TimeSpan.FromSeconds(30), () => $"the next silo adopts the proxy\n{next.Output}");
            Assert.Equal(pid, AdoptedPid(next));
            Assert.Null(ProxyPid(next)); // no second proxy started
            Assert.False(HasExited(pid.Value));

            // Following the grid again: a route written through the new silo (the Memory store started empty) is served.
            await using (var again = await ConnectAsync(started))
            {
                await again.SetRouteAsync("two", new RouteSpec("/two/{**rest}", "two"));
                await again.RegisterAsync("two", a);
                await Poll.UntilAsync(async () => await UpstreamAtAsync($"http://127.0.0.1:{started.ProxyPort}/two/x") == "a",
                    TimeSpan.FromSeconds(60), () => $"the adopted proxy follows the grid again\n{next.Output}");
            }

            await next.StopAsync();
            await Poll.UntilAsync(() => Task.FromResult(HasExited(pid.Value)), TimeSpan.FromSeconds(30), () => $"proxy {pid} stops with the clean stop\n{next.Output}");
            Assert.False(await AnswersAsync(started.AdminPort));
        }
        finally
        {
            if (pid is { } proxy && !HasExited(proxy)) Process.GetProcessById(proxy).Kill();
            await CleanUpAsync(silo, started);
            await silo.DisposeAsync();
            if (next is not null) await next.DisposeAsync();
        }
    }

    private sealed record Started(ChildProcess Silo, string Gateway, string ClusterId, int ProxyPort, int AdminPort, int[] Ports);

    private static async Task<Started> StartSiloWithProxyAsync()
    {
        var ports = FreePorts.Pick(6);
        var clusterId = $"proxy-start-{Guid.NewGuid():N}";
        var silo = await StartSiloAsync(ports, clusterId);
        return new Started(silo, $"127.0.0.1:{ports[1]}", clusterId, ports[3], ports[4], ports);
    }

    /// <summary>A silo on the same ports and cluster as <paramref name="started"/>'s, as an operator restarts one.</summary>
    private static Task<ChildProcess> RestartSiloAsync(Started started) => StartSiloAsync(started.Ports, started.ClusterId, "silo-2");

    private static async Task<ChildProcess> StartSiloAsync(int[] ports, string clusterId, string name = "silo")
    {
        var silo = ChildProcess.Start(name, ChildProcess.Dotnet,
            [BuildOutputs.SiloDll, "--storage", "Memory", "--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}",
             "--http-port", $"{ports[2]}", "--zk-port", "0", "--cluster-id", clusterId,
             "--proxy-port", $"{ports[3]}", "--proxy-admin-port", $"{ports[4]}"],
            workingDirectory: Path.GetDirectoryName(BuildOutputs.SiloDll));
        try
        {
            await Poll.UntilAsync(() => silo.HasExited ? throw new InvalidOperationException($"silo exited:\n{silo.Output}") : HealthyAsync(ports[2]),
                TimeSpan.FromSeconds(120), () => $"silo healthy\n{silo.Output}");
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    private static Task<CoordClient> ConnectAsync(Started started) =>
        CoordClient.ConnectAsync(new CoordClientOptions { Servers = [started.Gateway], ClusterId = started.ClusterId });

    private static async Task CleanUpAsync(ChildProcess silo, Started started)
    {
        // Never leave a proxy behind, even when the test failed before it stopped.
        if (ProxyPid(silo) is { } pid && !HasExited(pid))
        {
            using var proxy = Process.GetProcessById(pid);
            proxy.Kill();
        }

        var folder = Path.Combine(RepoRootOf(BuildOutputs.SiloDll), ".data", "proxy");
        foreach (var file in (string[])[$"snapshot-{started.ClusterId}.json", $"owner-{started.ProxyPort}", $"proxy-{started.ProxyPort}.log"])
        {
            File.Delete(Path.Combine(folder, file)); // no error when it is not there
        }
    }

    private static string RepoRootOf(string path)
    {
        for (var directory = new DirectoryInfo(Path.GetDirectoryName(path)!); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansCoord.sln"))) return directory.FullName;
        }

        throw new InvalidOperationException($"no repo root above {path}");
    }

    private static int? ProxyPid(ChildProcess silo) =>
        StartedLine().Match(silo.Output) is { Success: true } match ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    private static bool HasExited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static async Task<bool> HealthyAsync(int httpPort) => await StatusAsync($"http://127.0.0.1:{httpPort}/healthz") == 200;

    private static async Task<bool> AnswersAsync(int adminPort) => await StatusAsync($"http://127.0.0.1:{adminPort}/healthz") == 200;

    private static async Task<int?> StatusAsync(string url)
    {
        try
        {
            using var response = await Http.GetAsync(url);
            return (int)response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static async Task<string?> UpstreamAtAsync(string url)
    {
        try
        {
            using var response = await Http.GetAsync(url);
            return response.Headers.TryGetValues("X-Upstream-Id", out var values) ? values.Single() : null;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static int? AdoptedPid(ChildProcess silo) =>
        AdoptedLine().Match(silo.Output) is { Success: true } match ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"Proxy started \(pid (\d+)\)")]
    private static partial Regex StartedLine();

    [GeneratedRegex(@"Proxy adopted \(pid (\d+)\)")]
    private static partial Regex AdoptedLine();
}
