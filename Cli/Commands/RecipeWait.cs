using System.CommandLine;
using System.Globalization;
using OrleansCoord.Errors;

namespace OrleansCoord.Cli.Commands;

/// <summary>
/// How long a waiting recipe command (<c>lock</c>, <c>elect</c>, <c>queue take</c>, <c>barrier enter</c>) waits:
/// <c>--timeout S</c> after the command name, else until done or interrupted (as <c>etcdctl lock</c> waits). It shadows the global <c>--timeout</c> (the bound on
/// connecting and on each request), which can still be given before the command name.
/// </summary>
internal static class RecipeWait
{
    public static Option<double?> Option(string what) => new("--timeout")
    {
        Description = $"Give up waiting for {what} after this many seconds (default: wait until interrupted).",
        HelpName = "seconds",
    };

    public static TimeSpan From(ParseResult parse, Option<double?> option)
    {
        if (parse.GetValue(option) is not { } seconds) return Timeout.InfiniteTimeSpan;
        if (seconds is >= 0 and <= 86_400) return TimeSpan.FromSeconds(seconds);
        throw CoordException.BadArguments(null, $"--timeout must be between 0 and 86400 seconds, got {seconds.ToString(CultureInfo.InvariantCulture)}");
    }

    public static string Describe(TimeSpan wait) =>
        wait == Timeout.InfiniteTimeSpan ? "until interrupted" : $"within {wait.TotalSeconds:0.###} s";
}
