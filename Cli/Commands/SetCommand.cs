using System.CommandLine;
using System.Text.Json.Nodes;
using OrleansCoord.Cli.Output;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Cli.Commands;

/// <summary><c>set [-s] [-v VERSION] PATH DATA</c>: zkCli's set; silent unless <c>-s</c> asks for the new Stat.</summary>
internal static class SetCommand
{
    public static Command Build(GlobalOptions globals)
    {
        var withStat = new Option<bool>("--stat", "-s") { Description = "Print the new Stat." };
        var version = CommandArguments.Version();
        var path = CommandArguments.Path();
        var data = CommandArguments.Data(minimum: 1);

        var command = new Command("set", "Set a znode's data (conditionally with -v).") { withStat, version, path, data };
        command.SetGridAction(globals, parse =>
        {
            var target = parse.GetValue(path)!;
            var expected = parse.GetValue(version);
            var printStat = parse.GetValue(withStat);
            var bytes = CommandArguments.ReadData(parse.GetValue(data), globals);
            ZNodeRequests.ValidateSet(target, bytes, expected);

            return async (client, output, cancellationToken) =>
            {
                var stat = await client.SetDataAsync(target, bytes, expected, cancellationToken);
                output.Emit(printStat ? StatText.Format(stat) : null, () => new JsonObject
                {
                    ["path"] = target,
                    ["stat"] = StatJson.ToJson(stat),
                });
                return ExitCodes.Ok;
            };
        });
        return command;
    }
}
