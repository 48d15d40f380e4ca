using System.CommandLine;

namespace OrleansCoord.Cli.Commands;

/// <summary>How long a waiting recipe command (queue take, barrier enter) waits: the global <c>--timeout</c> when it is
/// given, else until interrupted. Each grain call of the wait stays within that same request timeout.</summary>
internal static class RecipeWait
{
    public static TimeSpan From(ParseResult parse, GlobalOptions globals) =>
        parse.GetResult(globals.Timeout) is { Implicit: false }
            ? TimeSpan.FromSeconds(parse.GetValue(globals.Timeout))
            : Timeout.InfiniteTimeSpan;

    public static string Describe(TimeSpan wait) =>
        wait == Timeout.InfiniteTimeSpan ? "until interrupted" : $"within {wait.TotalSeconds:0.###} s";
}
