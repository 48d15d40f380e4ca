using System.CommandLine;
using System.Text.Json.Nodes;
using OrleansCoord.Cli.Output;
using OrleansCoord.Errors;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Cli.Commands;

/// <summary>
/// <c>stat PATH</c> (zkCli's spelling) and <c>exists [-q] PATH</c> (for scripts: <c>if coord exists -q /x</c>).
/// Both print the Stat and exit 0 when the node exists, and exit 1 with <c>NoNode: PATH</c> on stderr when not.
/// </summary>
internal static class StatCommand
{
    public static Command BuildStat(GlobalOptions globals)
    {
        var path = CommandArguments.Path();
        var command = new Command("stat", "Print a znode's Stat.") { path };
        command.SetGridAction(globals, parse => Prepare(parse.GetValue(path)!, quiet: false));
        return command;
    }

    public static Command BuildExists(GlobalOptions globals)
    {
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print nothing; only the exit code tells (0: exists, 1: not)." };
        var path = CommandArguments.Path();
        var command = new Command("exists", "Exit 0 and print the Stat if the znode exists, else exit 1.") { quiet, path };
        command.SetGridAction(globals, parse => Prepare(parse.GetValue(path)!, parse.GetValue(quiet)));
        return command;
    }

    private static GridAction Prepare(string target, bool quiet)
    {
        ZNodePath.Validate(target);
        return async (client, output, cancellationToken) =>
        {
            var stat = await client.ExistsAsync(target, cancellationToken);
            if (quiet) return stat is null ? ExitCodes.GridError : ExitCodes.Ok;
            if (stat is null)
            {
                // With --json, stdout still gets an answer a script can parse; the reason goes to stderr as always.
                if (output.IsJson) output.Emit(null, () => new JsonObject { ["path"] = target, ["exists"] = false });
                output.Error(CoordException.NoNode(target).Message);
                return ExitCodes.GridError;
            }

            output.Emit(StatText.Format(stat), () => new JsonObject
            {
                ["path"] = target,
                ["exists"] = true,
                ["stat"] = StatJson.ToJson(stat),
            });
            return ExitCodes.Ok;
        };
    }
}
