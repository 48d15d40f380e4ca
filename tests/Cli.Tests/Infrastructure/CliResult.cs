namespace OrleansCoord.Cli.Tests.Infrastructure;

/// <summary>What one run of <c>coord</c> left behind.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    /// <summary>Stdout split into lines, without the final empty one.</summary>
    public string[] Lines => Stdout.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n', StringSplitOptions.None);

    /// <summary>Stderr without its line break: the one-line error message.</summary>
    public string Error => Stderr.TrimEnd('\r', '\n');

    /// <summary>For assertion messages: everything that was printed.</summary>
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
