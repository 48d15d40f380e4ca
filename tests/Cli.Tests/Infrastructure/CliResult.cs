namespace OrleansCoord.Cli.Tests.Infrastructure;

/// <summary>What one run of <c>coord</c> left behind.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    /// <summary>Stdout split into lines, without the final empty one.</summary>
    public string[] Lines => SplitLines(Stdout);

    /// <summary>The stderr lines that say a waiting command is in place (<c>watching /app</c>, <c>waiting for lock x</c>).</summary>
    public string[] StatusLines => SplitLines(Stderr).Where(IsStatus).ToArray();

    /// <summary>Stderr without the status lines and the final line break: the error message(s).</summary>
    public string Error => string.Join('\n', SplitLines(Stderr).Where(line => !IsStatus(line)));

    /// <summary>For assertion messages: everything that was printed.</summary>
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";

    /// <summary>A line on which coord says that it waits (Cli/Output/ConsoleOutput.Status), not an error.</summary>
    public static bool IsStatus(string line) =>
        line.StartsWith("watching ", StringComparison.Ordinal) || line.StartsWith("waiting ", StringComparison.Ordinal);

    private static string[] SplitLines(string text) =>
        text.Length == 0 ? [] : text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n', StringSplitOptions.None);
}
