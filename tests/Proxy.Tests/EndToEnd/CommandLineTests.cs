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
    public async Task BadFlag_ExitCodeTwo_OneClearLine(string flag, string value, string expected)
    {
        await using var process = ChildProcess.Start("proxy", ChildProcess.Dotnet, [BuildOutputs.ProxyDll, flag, value]);
        await Poll.UntilAsync(() => Task.FromResult(process.HasExited), TimeSpan.FromSeconds(60), () => $"the proxy exits\n{process.Output}");
        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith(expected, process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", process.Output, StringComparison.Ordinal);
    }
}
