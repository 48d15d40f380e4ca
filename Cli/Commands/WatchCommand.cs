using System.CommandLine;
using System.Text.Json.Nodes;
using OrleansCoord.Cli.Output;
using OrleansCoord.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Cli.Commands;

/// <summary>
/// <c>watch PATH [-R] [--count N]</c>: a persistent (with <c>-R</c>, persistent-recursive) watch; prints
/// <c>&lt;type&gt; &lt;path&gt; &lt;revision&gt;</c> per event (or one JSON object per line) until Ctrl-C, or until N
/// znode events when <c>--count</c> is given. Session events print as <c>None &lt;path&gt; &lt;revision&gt; &lt;state&gt;</c>, and an
/// event made up by a resync after a failure ends with <c>coalesced</c>; <c>None</c> events are printed but not
/// counted, so <c>--count 1</c> waits for a change of a znode even if the connection wobbles first.
/// </summary>
internal static class WatchCommand
{
    public static Command Build(GlobalOptions globals)
    {
        var count = new Option<int?>("--count", "-n") { Description = "Stop after this many znode events (session events and resync markers are printed, not counted)." };
        var recursive = new Option<bool>("--recursive", "-R") { Description = "Watch the whole subtree (creations, data changes, deletions)." };
        var path = CommandArguments.Path();

        var command = new Command("watch", "Print a znode's changes as they happen.") { count, recursive, path };
        command.SetGridAction(globals, parse =>
        {
            var target = parse.GetValue(path)!;
            var limit = parse.GetValue(count);
            var mode = parse.GetValue(recursive) ? AddWatchMode.PersistentRecursive : AddWatchMode.Persistent;
            ZNodePath.Validate(target);
            if (limit is <= 0) throw Errors.CoordException.BadArguments(null, $"--count must be positive, got {limit}");

            return async (client, output, cancellationToken) =>
            {
                await using var watch = await client.AddWatchAsync(target, mode);
                output.Status(mode == AddWatchMode.PersistentRecursive ? $"watching {target} and below" : $"watching {target}");
                var printed = 0;
                await foreach (var change in watch.ReadAllAsync(cancellationToken))
                {
                    Print(output, change);
                    if (change.Type != WatchEventType.None && ++printed == limit) break;
                }

                return ExitCodes.Ok;
            };
        });
        return command;
    }

    /// <summary>One event: <c>NodeDataChanged /app 1795650939755202</c>, or its JSON form.</summary>
    public static void Print(ConsoleOutput output, WatchEvent change)
    {
        var text = $"{change.Type} {change.Path} {change.Revision}";
        if (change.Type == WatchEventType.None) text += $" {change.State}";
        if (change.Coalesced) text += " coalesced";
        output.Emit(text, () =>
        {
            var json = new JsonObject
            {
                ["type"] = change.Type.ToString(),
                ["path"] = change.Path,
                ["revision"] = change.Revision,
            };
            if (change.Type == WatchEventType.None) json["state"] = change.State.ToString();
            if (change.Coalesced) json["coalesced"] = true;
            return json;
        });
    }
}
