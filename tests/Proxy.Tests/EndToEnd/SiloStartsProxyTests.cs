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

    [Fact]
    public async Task SiloKilled_ProxyDoesNotOutliveIt()
    {
        var started = await StartSiloWithProxyAsync();
        await using var silo = started.Silo;
        try
        {
            await Poll.UntilAsync(() => AnswersAsync(started.AdminPort), TimeSpan.FromSeconds(60), () => $"the proxy answers /healthz\n{silo.Output}");
            var pid = ProxyPid(silo) ?? throw new InvalidOperationException($"no 'Proxy started (pid N)' line\n{silo.Output}");

            await silo.KillAloneAsync(); // SIGKILL: no goodbye, only the closed pipe tells the proxy.
            await Poll.UntilAsync(() => Task.FromResult(HasExited(pid)), TimeSpan.FromSeconds(30), () => $"proxy {pid} exits after the silo's death\n{silo.Output}");
            Assert.False(await AnswersAsync(started.AdminPort));
        }
        finally
        {
            await CleanUpAsync(silo, started);
        }
    }

    private sealed record Started(ChildProcess Silo, string Gateway, string ClusterId, int ProxyPort, int AdminPort);

    private static async Task<Started> StartSiloWithProxyAsync()
    {
        var ports = FreePorts.Pick(5);
        var clusterId = $"proxy-start-{Guid.NewGuid():N}";
        var silo = ChildProcess.Start("silo", ChildProcess.Dotnet,
            [BuildOutputs.SiloDll, "--storage", "Memory", "--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}",
             "--http-port", $"{ports[2]}", "--zk-port", "0", "--cluster-id", clusterId,
             "--proxy-port", $"{ports[3]}", "--proxy-admin-port", $"{ports[4]}"],
            workingDirectory: Path.GetDirectoryName(BuildOutputs.SiloDll));
        try
        {
            await Poll.UntilAsync(() => silo.HasExited ? throw new InvalidOperationException($"silo exited:\n{silo.Output}") : HealthyAsync(ports[2]),
                TimeSpan.FromSeconds(120), () => $"silo healthy\n{silo.Output}");
            return new Started(silo, $"127.0.0.1:{ports[1]}", clusterId, ports[3], ports[4]);
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

        var snapshot = Path.Combine(RepoRootOf(BuildOutputs.SiloDll), ".data", "proxy", $"snapshot-{started.ClusterId}.json");
        if (File.Exists(snapshot)) File.Delete(snapshot);
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

    [GeneratedRegex(@"Proxy started \(pid (\d+)\)")]
    private static partial Regex StartedLine();
}
