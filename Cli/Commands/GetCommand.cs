using System.CommandLine;
using System.Text.Json.Nodes;
using OrleansCoord.Cli.Output;
using OrleansCoord.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Cli.Commands;

/// <summary>
/// <c>get [-s] [-w] PATH</c>: prints the data as UTF-8 text, with <c>-s</c> the Stat in zkCli's layout, and with
/// <c>-w</c> then waits for the next change (a one-shot data watch) and prints it as <c>watch</c> does.
/// </summary>
internal static class GetCommand
{
    public static Command Build(GlobalOptions globals)
    {
        var withStat = new Option<bool>("--stat", "-s") { Description = "Also print the Stat (always included with --json)." };
        var watch = new Option<bool>("--watch", "-w") { Description = "Then wait for the next change and print it." };
        var path = CommandArguments.Path();

        var command = new Command("get", "Print a znode's data.") { withStat, watch, path };
        command.SetGridAction(globals, parse =>
        {
            var target = parse.GetValue(path)!;
            var printStat = parse.GetValue(withStat);
            var waitForChange = parse.GetValue(watch);
            ZNodePath.Validate(target);

            return async (client, output, cancellationToken) =>
            {
                var changed = new TaskCompletionSource<WatchEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
                var node = waitForChange
                    ? await client.GetDataAsync(target, change => { if (change.Type != WatchEventType.None) changed.TrySetResult(change); }, cancellationToken)
                    : await client.GetDataAsync(target, cancellationToken);
                var text = StatJson.ToText(node.Data);
                output.Emit(printStat ? text + Environment.NewLine + StatText.Format(node.Stat) : text, () =>
                {
                    var json = new JsonObject { ["path"] = target };
                    StatJson.AddData(json, node.Data);
                    json["stat"] = StatJson.ToJson(node.Stat);
                    return json;
                });
                if (waitForChange)
                {
                    output.Status($"watching {target}");
                    WatchCommand.Print(output, await changed.Task.WaitAsync(cancellationToken));
                }

                return ExitCodes.Ok;
            };
        });
        return command;
    }
}
