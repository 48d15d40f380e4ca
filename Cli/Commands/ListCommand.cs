using System.CommandLine;
using System.Text.Json.Nodes;
using OrleansCoord.Cli.Output;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Cli.Commands;

/// <summary><c>ls [-R] [-s] PATH</c>: children's names one per line; <c>-R</c> prints full paths of the whole subtree.</summary>
internal static class ListCommand
{
    public static Command Build(GlobalOptions globals)
    {
        var recursive = new Option<bool>("--recursive", "-R") { Description = "List the whole subtree as full paths, breadth first (the path itself first)." };
        var withStat = new Option<bool>("--stat", "-s") { Description = "Also print the node's Stat (not with -R)." };
        var path = CommandArguments.Path();

        var command = new Command("ls", "List a znode's children.") { recursive, withStat, path };
        command.SetGridAction(globals, parse =>
        {
            var target = parse.GetValue(path)!;
            var isRecursive = parse.GetValue(recursive);
            var printStat = parse.GetValue(withStat);
            ZNodePath.Validate(target);
            if (isRecursive && printStat) throw Errors.CoordException.BadArguments(target, "-R and -s cannot be combined");

            return isRecursive
                ? async (client, output, cancellationToken) =>
                {
                    var paths = await Subtree.ListAsync(client, target, cancellationToken);
                    output.Emit(string.Join(Environment.NewLine, paths), () => new JsonObject
                    {
                        ["path"] = target,
                        ["paths"] = new JsonArray([.. paths.Select(p => (JsonNode)p)]),
                    });
                    return ExitCodes.Ok;
                }
                : async (client, output, cancellationToken) =>
                {
                    var result = await client.GetChildrenAsync(target, cancellationToken);
                    var lines = result.Children.ToList();
                    if (printStat) lines.Add(StatText.Format(result.Stat));
                    output.Emit(lines.Count == 0 ? null : string.Join(Environment.NewLine, lines), () => new JsonObject
                    {
                        ["path"] = target,
                        ["children"] = new JsonArray([.. result.Children.Select(c => (JsonNode)c)]),
                        ["stat"] = StatJson.ToJson(result.Stat),
                    });
                    return ExitCodes.Ok;
                };
        });
        return command;
    }
}
