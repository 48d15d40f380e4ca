using System.CommandLine;
using System.Text.Json.Nodes;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Cli.Commands;

/// <summary><c>rm [-v VERSION] PATH</c>: zkCli's delete of one znode; NotEmpty when it has children.</summary>
internal static class RemoveCommand
{
    public static Command Build(GlobalOptions globals)
    {
        var version = CommandArguments.Version();
        var path = CommandArguments.Path();

        var command = new Command("rm", "Delete a znode that has no children (conditionally with -v).") { version, path };
        command.Aliases.Add("delete");
        command.SetGridAction(globals, parse =>
        {
            var target = parse.GetValue(path)!;
            var expected = parse.GetValue(version);
            ZNodeRequests.ValidateDelete(target, expected);

            return async (client, output, cancellationToken) =>
            {
                await client.DeleteAsync(target, expected, cancellationToken);
                output.Emit(null, () => new JsonObject { ["path"] = target, ["deleted"] = 1 });
                return ExitCodes.Ok;
            };
        });
        return command;
    }
}
