using System.CommandLine;
using OrleansCoord.Errors;

namespace OrleansCoord.Cli.Commands;

/// <summary><c>--spec JSON</c>: the whole znode as JSON (or <c>-</c> for stdin), instead of the individual flags.</summary>
internal static class ProxySpecOption
{
    public static Option<string?> Create() => new("--spec")
    {
        Description = "The whole JSON document (or - to read it from stdin) instead of the other flags; validated before writing.",
        HelpName = "json",
    };

    /// <summary>The JSON bytes; BadArguments when flags that the JSON would override were given too.</summary>
    public static byte[] Read(string text, ParseResult parse, GlobalOptions globals, params Option[] flags)
    {
        foreach (var option in flags)
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                throw CoordException.BadArguments(null, $"--spec cannot be combined with {option.Name}");
            }
        }

        return CommandArguments.ReadData(text, globals);
    }
}
