using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.EndToEnd;

/// <summary>Bad flags: one clear line each and exit code 2, before anything listens.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--bogus", "1", "BadArguments: unknown flag '--bogus'")]
    [InlineData("--port", "70000", "BadArguments: --port must be 1-65535, got 70000")]
    [InlineData("--port", "abc", "BadArguments: ")]
    [InlineData("--listen", "not-an-ip", "BadArguments: --listen 'not-an-ip' is not an IP address")]
    [InlineData("--server", "localhost", "BadArguments: --server 'localhost' is not host:port")]
    [InlineData("--fast-path", "maybe", "BadArguments: --fast-path must be on or off, got 'maybe'")]
    [InlineData("--loops", "-1", "BadArguments: --loops must be 0-256 (0: one per core), got -1")]
    [InlineData("--max-connections", "-1", "BadArguments: --max-connections must not be negative (0: no limit), got -1")]
    [InlineData("--tls-handshake-timeout", "00:00:00", "BadArguments: timeouts must be positive")]
    public async Task BadFlag_ExitCodeTwo_OneClearLine(string flag, string value, string expected)
    {
        await using var process = ChildProcess.Start("proxy", ChildProcess.Dotnet, [BuildOutputs.ProxyDll, flag, value]);
        await Poll.UntilAsync(() => Task.FromResult(process.HasExited), TimeSpan.FromSeconds(60), () => $"the proxy exits\n{process.Output}");
        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith(expected, process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", process.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task MainPortInUse_ExitCodeOne_SaysWhichPort(string fastPath)
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        await using var process = ChildProcess.Start("proxy", ChildProcess.Dotnet,
            [BuildOutputs.ProxyDll, "--listen", "127.0.0.1", "--port", $"{port}", "--admin-port", $"{FreePorts.Pick(1)[0]}", "--fast-path", fastPath,
             "--server", "127.0.0.1:1", "--snapshot", Path.Combine(Path.GetTempPath(), $"proxy-test-{Guid.NewGuid():N}.json")]);
        await Poll.UntilAsync(() => Task.FromResult(process.HasExited), TimeSpan.FromSeconds(60), () => $"the proxy exits\n{process.Output}");
        Assert.Equal(1, process.ExitCode);
        // The host logs the bind failure first (with its stack); the proxy's own line is the last word.
        Assert.StartsWith($"SystemError: cannot listen on 127.0.0.1:{port}", process.Output.Split('\n').Last(line => line.Length > 0), StringComparison.Ordinal);
    }
}
