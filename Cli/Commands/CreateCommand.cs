using System.CommandLine;
using System.Text.Json.Nodes;
using OrleansCoord.Acls;
using OrleansCoord.Cli.Output;
using OrleansCoord.Errors;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Cli.Commands;

/// <summary><c>create [-e] [-s] [-c] [-t MS] [--acl ACL] PATH [DATA]</c>: zkCli's create; prints the path made.</summary>
internal static class CreateCommand
{
    public static Command Build(GlobalOptions globals)
    {
        var ephemeral = new Option<bool>("--ephemeral", "-e")
        {
            Description = "Ephemeral: deleted when the session ends, i.e. when this command exits.",
        };
        var sequential = new Option<bool>("--sequential", "-s") { Description = "Append a 10-digit sequence number to the name." };
        var container = new Option<bool>("--container", "-c") { Description = "Container: deleted once its last child is gone." };
        var ttl = new Option<long?>("--ttl", "-t") { Description = "TTL node: deleted after MS milliseconds without change or children.", HelpName = "ms" };
        var acl = AclCommands.AclOption();
        var path = CommandArguments.Path();
        var data = CommandArguments.Data(minimum: 0);

        var command = new Command("create", "Create a znode and print its path.") { ephemeral, sequential, container, ttl, acl, path, data };
        command.SetGridAction(globals, parse =>
        {
            var target = parse.GetValue(path)!;
            var ttlMs = parse.GetValue(ttl);
            var mode = ModeOf(target, parse.GetValue(ephemeral), parse.GetValue(sequential), parse.GetValue(container), ttlMs);
            var bytes = CommandArguments.ReadData(parse.GetValue(data), globals);
            ZNodeRequests.ValidateCreate(target, bytes, mode, ttlMs ?? 0);
            var entries = parse.GetValue(acl) is { } text ? AclEntry.ParseList(text) : null;

            return async (client, output, cancellationToken) =>
            {
                var created = await client.Create2Async(target, bytes, entries, mode, ttlMs ?? 0, cancellationToken);
                output.Emit(created.Path, () => new JsonObject
                {
                    ["path"] = created.Path,
                    ["mode"] = mode.ToString(),
                    ["stat"] = StatJson.ToJson(created.Stat),
                });
                return ExitCodes.Ok;
            };
        });
        return command;
    }

    /// <summary>The create mode for zkCli's flags; combinations ZooKeeper has no mode for are usage errors.</summary>
    internal static CreateMode ModeOf(string path, bool ephemeral, bool sequential, bool container, long? ttlMs)
    {
        if (container && (ephemeral || sequential || ttlMs is not null))
            throw CoordException.BadArguments(path, "--container cannot be combined with -e, -s or --ttl");
        if (ttlMs is not null && ephemeral)
            throw CoordException.BadArguments(path, "--ttl nodes are persistent; it cannot be combined with -e");
        if (ttlMs is not null)
            return sequential ? CreateMode.PersistentSequentialWithTtl : CreateMode.PersistentWithTtl;
        if (container) return CreateMode.Container;
        if (ephemeral) return sequential ? CreateMode.EphemeralSequential : CreateMode.Ephemeral;
        return sequential ? CreateMode.PersistentSequential : CreateMode.Persistent;
    }
}
