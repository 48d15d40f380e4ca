namespace OrleansCoord.Silo.Tests;

/// <summary>Bad flags end the silo at once: exit code 2 and one line on stderr, no stack trace.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--storage", "Cassandra")]
    [InlineData("--silo-port", "70000")]
    [InlineData("--gateway-port", "0")]
    [InlineData("--http-port", "eighty")]
    [InlineData("--no-such-flag", "x")]
    [InlineData("--cluster-id", "a/b")]
    public async Task BadFlag_ExitsWithTwoAndOneLine(string flag, string value)
    {
        await using var silo = SiloProcess.Start(SiloPorts.Pick(), flag, value);

        var exitCode = await silo.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, exitCode);
        var lines = silo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.Contains(flag, line);
        Assert.DoesNotContain("   at ", line);
    }

    [Fact]
    public async Task Help_PrintsFlagsAndExitsZero()
    {
        await using var silo = SiloProcess.Start(SiloPorts.Pick(), "--help");

        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        foreach (var flag in new[] { "--storage", "--connection-string", "--silo-port", "--gateway-port", "--http-port", "--cluster-id", "--azurite-dir" })
        {
            Assert.Contains(flag, silo.Output);
        }
    }
}
