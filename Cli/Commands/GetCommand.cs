using System.CommandLine;
using System.Text.Json.Nodes;
using OrleansCoord.Cli.Output;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Cli.Commands;

/// <summary><c>get [-s] PATH</c>: prints the data as UTF-8 text, and with <c>-s</c> the Stat in zkCli's layout.</summary>
internal static class GetCommand
{
    public static Command Build(GlobalOptions globals)
    {
        var withStat = new Option<bool>("--stat", "-s") { Description = "Also print the Stat (always included with --json)." };
        var path = CommandArguments.Path();

        var command = new Command("get", "Print a znode's data.") { withStat, path };
        command.SetGridAction(globals, parse =>
        {
            var target = parse.GetValue(path)!;
            var printStat = parse.GetValue(withStat);
            ZNodePath.Validate(target);

            return async (client, output, cancellationToken) =>
            {
                var node = await client.GetDataAsync(target, cancellationToken);
                var text = StatJson.ToText(node.Data);
                output.Emit(printStat ? text + Environment.NewLine + node.Stat : text, () =>
                {
                    var json = new JsonObject { ["path"] = target };
                    StatJson.AddData(json, node.Data);
                    json["stat"] = StatJson.ToJson(node.Stat);
                    return json;
                });
                return ExitCodes.Ok;
            };
        });
        return command;
    }
}
