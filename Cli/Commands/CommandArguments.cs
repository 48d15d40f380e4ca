using System.CommandLine;
using System.Text;

namespace OrleansCoord.Cli.Commands;

/// <summary>Arguments and options that several commands share, spelled as zkCli spells them.</summary>
internal static class CommandArguments
{
    /// <summary>The znode path argument.</summary>
    public static Argument<string> Path(string description = "Absolute znode path, e.g. /app/config.") =>
        new("path") { Description = description };

    /// <summary>Node data: text, or <c>-</c> to read the bytes from stdin.</summary>
    public static Argument<string?> Data(int minimum) => new("data")
    {
        Description = "Data as UTF-8 text, or - to read raw bytes from stdin (a trailing newline is kept).",
        Arity = new ArgumentArity(minimum, 1),
    };

    /// <summary>zkCli's <c>-v VERSION</c>: the version the node must have; -1 means any.</summary>
    public static Option<int> Version() => new("--version", "-v")
    {
        Description = "Only if the node's data version is this (-1: any).",
        HelpName = "version",
        DefaultValueFactory = _ => -1,
    };

    /// <summary>The bytes to write for a DATA argument. Stdin is read before connecting, so a slow pipe holds no session.</summary>
    /// <param name="globals">In the interactive shell stdin carries the shell's own lines, so <c>-</c> is refused there.</param>
    public static byte[] ReadData(string? data, GlobalOptions globals)
    {
        if (data is null) return [];
        if (data != "-") return Encoding.UTF8.GetBytes(data);
        if (globals.InShell) throw Errors.CoordException.BadArguments(null, "DATA - reads stdin, which is the shell's own input: give the data on the line");

        using var stdin = Console.OpenStandardInput();
        using var buffer = new MemoryStream();
        stdin.CopyTo(buffer);
        return buffer.ToArray();
    }
}
