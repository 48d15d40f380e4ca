using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansCoord.Cli.Output;

/// <summary>
/// Where a command's answer goes: zkCli-style text, or one JSON object per command with <c>--json</c>.
/// Errors always go to stderr as one line, so that stdout stays parseable.
/// </summary>
internal sealed class ConsoleOutput(bool json, TextWriter stdout, TextWriter stderr)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        // Node data is often non-ASCII text; keep it readable rather than \u-escaped (still valid JSON).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>An output on the process's console.</summary>
    public static ConsoleOutput ForConsole(bool json) => new(json, Console.Out, Console.Error);

    /// <summary>True when the user asked for <c>--json</c>.</summary>
    public bool IsJson => json;

    /// <summary>Prints the command's answer: <paramref name="plain"/> as text (nothing when null), or the JSON object.</summary>
    public void Emit(string? plain, Func<JsonObject> toJson)
    {
        if (json)
        {
            stdout.WriteLine(toJson().ToJsonString(JsonOptions));
        }
        else if (plain is not null)
        {
            stdout.WriteLine(plain);
        }
    }

    /// <summary>
    /// Says on stderr that a waiting command is now in place (<c>watching /app</c>, <c>waiting for lock backup</c>), so
    /// that a person, or a script, knows it waits rather than hangs. Always plain text, also with <c>--json</c>: stdout
    /// keeps only the answers. Every such line starts with "watching " or "waiting ".
    /// </summary>
    public void Status(string line) => stderr.WriteLine(line.ReplaceLineEndings(" "));

    /// <summary>Prints one line on stderr. Line breaks are folded so that a failure is always one line.</summary>
    public void Error(string message) =>
        stderr.WriteLine(message.ReplaceLineEndings(" "));
}
