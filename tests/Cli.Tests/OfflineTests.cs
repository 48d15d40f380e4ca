using System.Net;
using System.Net.Sockets;
using OrleansCoord.Cli.Tests.Infrastructure;
using static OrleansCoord.Cli.Tests.Infrastructure.CliAssert;

namespace OrleansCoord.Cli.Tests;

/// <summary>What the CLI refuses before reaching a grid, and how it reports a grid it cannot reach. No silo needed.</summary>
public sealed class OfflineTests
{
    // Port 1 (tcpmux) is privileged and unused: connections are refused at once.
    private readonly CoordProcess _unreachable = new(["--server", "127.0.0.1:1", "--timeout", "5"]);

    // The same without --timeout, for the tests that give it themselves (given twice, it is a usage error of its own).
    private readonly CoordProcess _refusing = new(["--server", "127.0.0.1:1"]);

    [Theory]
    [InlineData("get", "a/b", "BadArguments: a/b (path must start with /)")]
    [InlineData("get", "/a/", "BadArguments: /a/ (path must not end with /)")]
    [InlineData("ls", "/a//b", "BadArguments: /a//b (empty segment at 3)")]
    [InlineData("rm", "/", "BadArguments: / (the root cannot be deleted)")]
    public async Task InvalidPath_ExitsTwoBeforeConnecting(string command, string path, string message)
    {
        // A gateway address that keeps any connection made to it: the path must be refused before one is tried.
        using var gateway = new TcpListener(IPAddress.Loopback, 0);
        gateway.Start();
        var result = await new CoordProcess(["--server", $"127.0.0.1:{((IPEndPoint)gateway.LocalEndpoint).Port}", "--timeout", "5"]).RunAsync(command, path);
        Fails(result, 2, message);
        Assert.False(gateway.Pending(), $"should not have tried to connect: {result}");
    }

    [Theory]
    [InlineData("BadArguments (certificate file /no/such/alice.pem: ", "--certificate", "/no/such/alice.pem", "ls", "/")]
    [InlineData("BadArguments (--key needs --certificate)", "--ca", "/tmp/ca.pem", "--key", "/tmp/alice.key", "ls", "/")]
    [InlineData("BadArguments (CA file /no/such/ca.pem: ", "--ca", "/no/such/ca.pem", "ls", "/")]
    public async Task TlsFiles_MissingOrInconsistent_ExitTwoNamingThem(string message, params string[] arguments)
    {
        FailsWith(await _unreachable.RunAsync(arguments), 2, message);
    }

    [Fact]
    public async Task NegativeVersion_ExitsTwo()
    {
        Fails(await _unreachable.RunAsync("set", "-v", "-2", "/a", "x"), 2, "BadArguments: /a (version must be -1 or more, got -2)");
    }

    [Theory]
    [InlineData("create", "-e", "--ttl", "100", "/a")]
    [InlineData("create", "--container", "-s", "/a")]
    [InlineData("create", "--ttl", "0", "/a")]
    public async Task ImpossibleCreateMode_ExitsTwo(params string[] arguments)
    {
        FailsWith(await _unreachable.RunAsync(arguments), 2, "BadArguments: /a (");
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("get")]
    [InlineData("set", "-v", "abc", "/a", "x")]
    public async Task UsageError_ExitsTwoWithoutStackTrace(params string[] arguments)
    {
        var result = await _unreachable.RunAsync(arguments);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("BadArguments", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableServer_ConnectionLossWithinTimeout()
    {
        var result = await _unreachable.RunAsync("get", "/a");
        FailsWith(result, 1, "ConnectionLoss: 127.0.0.1:1");
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(30), $"took too long: {result}");
    }

    [Fact]
    public async Task RefusedGateway_IsReportedAsRefused_NotAfterTheTimeout()
    {
        // With an hour to wait, only the refusal itself can end the run: the Orleans client alone would keep asking.
        var result = await new CoordProcess(["--server", "127.0.0.1:1", "--timeout", "3600"]).RunAsync("ls", "/");
        Fails(result, 1, "ConnectionLoss: 127.0.0.1:1 (connection refused: is the silo running?)");
    }

    [Fact]
    public async Task NotANumber_IsOneLineInTheUsersTerms()
    {
        Fails(await _unreachable.RunAsync("set", "-v", "abc", "/a", "x"), 2, "BadArguments (-v: 'abc' is not a whole number; see 'coord --help')");
        Fails(await _refusing.RunAsync("--timeout", "soon", "get", "/a"), 2, "BadArguments (--timeout: 'soon' is not a number; see 'coord --help')");
    }

    [Theory]
    [InlineData("--timeout", "-1", "get", "/a")]
    [InlineData("lock", "l", "--timeout", "-1", "--", "true")]
    public async Task NegativeTimeout_IsAUsageError_WhereverItStands(params string[] arguments)
    {
        Fails(await _refusing.RunAsync(arguments), 2, "BadArguments (--timeout must be between 0 and 86400 seconds, got -1)");
    }

    [Fact]
    public async Task Help_ExitsZero()
    {
        var result = Ok(await _unreachable.RunAsync("--help"));
        Assert.Contains("deleteall", result.Stdout, StringComparison.Ordinal);
    }
}
