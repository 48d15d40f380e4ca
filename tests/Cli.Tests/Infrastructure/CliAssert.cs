namespace OrleansCoord.Cli.Tests.Infrastructure;

/// <summary>Checks on a <see cref="CliResult"/> whose failure messages show everything the process printed.</summary>
internal static class CliAssert
{
    /// <summary>Exit 0 and nothing on stderr but status lines (<see cref="CliResult.IsStatus"/>).</summary>
    public static CliResult Ok(CliResult result)
    {
        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, $"expected success, got {result}");
        return result;
    }

    /// <summary>The given exit code, and stderr exactly <paramref name="message"/> on one line with no stack trace.</summary>
    public static void Fails(CliResult result, int exitCode, string message)
    {
        Assert.True(result.ExitCode == exitCode, $"expected exit {exitCode}, got {result}");
        Assert.Equal(message, result.Error);
        OneLineNoStackTrace(result);
    }

    /// <summary>The given exit code, and a one-line stderr starting with <paramref name="prefix"/>.</summary>
    public static void FailsWith(CliResult result, int exitCode, string prefix)
    {
        Assert.True(result.ExitCode == exitCode, $"expected exit {exitCode}, got {result}");
        Assert.StartsWith(prefix, result.Error, StringComparison.Ordinal);
        OneLineNoStackTrace(result);
    }

    private static void OneLineNoStackTrace(CliResult result)
    {
        Assert.DoesNotContain("\n", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception:", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A path no other test uses, so tests sharing one silo cannot see each other's nodes.</summary>
    public static string UniquePath(string name) => $"/{name}-{Guid.NewGuid():N}";
}
