using System.CommandLine;
using System.Text.Json.Nodes;
using OrleansCoord.Acls;
using OrleansCoord.Cli.Output;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Cli.Commands;

/// <summary>
/// <c>getacl PATH</c> and <c>setacl [-v ACLVERSION] [-s] PATH ACL</c>, zkCli's getAcl/setAcl. An ACL is written as zkCli
/// writes it: <c>scheme:id:perms</c> entries separated by commas, perms as letters <c>cdrwa</c>
/// (<c>world:anyone:r,digest:alice:HASH:cdrwa,ip:10.0.0.0/8:rw,auth::cdrwa</c>).
/// </summary>
internal static class AclCommands
{
    /// <summary>The <c>--acl</c> option of create.</summary>
    public static Option<string?> AclOption() => new("--acl")
    {
        Description = "ACL of the new znode, as scheme:id:perms[,...] (default world:anyone:cdrwa; auth::cdrwa = your --auth identities).",
        HelpName = "acl",
    };

    public static Command BuildGetAcl(GlobalOptions globals)
    {
        var path = CommandArguments.Path();
        var command = new Command("getacl", "Print a znode's ACL, as zkCli's getAcl.") { path };
        command.SetGridAction(globals, parse =>
        {
            var target = parse.GetValue(path)!;
            ZNodePath.Validate(target);
            return async (client, output, cancellationToken) =>
            {
                var result = await client.GetAclAsync(target, cancellationToken);
                output.Emit(string.Join(Environment.NewLine, result.Acl.Select(e => $"'{e.Scheme},'{e.Id}{Environment.NewLine}: {AclEntry.PermsText(e.Perms)}")), () => new JsonObject
                {
                    ["path"] = target,
                    ["acl"] = new JsonArray([.. result.Acl.Select(e => (JsonNode)new JsonObject
                    {
                        ["scheme"] = e.Scheme,
                        ["id"] = e.Id,
                        ["perms"] = AclEntry.PermsText(e.Perms),
                    })]),
                    ["stat"] = StatJson.ToJson(result.Stat),
                });
                return ExitCodes.Ok;
            };
        });
        return command;
    }

    public static Command BuildSetAcl(GlobalOptions globals)
    {
        var version = new Option<int>("--version", "-v")
        {
            Description = "Only if the znode's ACL version (aclVersion) is this (-1: any).",
            HelpName = "aclversion",
            DefaultValueFactory = _ => -1,
        };
        var withStat = new Option<bool>("--stat", "-s") { Description = "Print the new Stat." };
        var path = CommandArguments.Path();
        var acl = new Argument<string>("acl") { Description = "scheme:id:perms[,...], e.g. world:anyone:r,auth::cdrwa" };
        var command = new Command("setacl", "Replace a znode's ACL, as zkCli's setAcl.") { version, withStat, path, acl };
        command.SetGridAction(globals, parse =>
        {
            var target = parse.GetValue(path)!;
            var expected = parse.GetValue(version);
            var printStat = parse.GetValue(withStat);
            var entries = AclEntry.ParseList(parse.GetValue(acl));
            ZNodePath.Validate(target);
            ZNodeRequests.ValidateVersion(target, expected);
            return async (client, output, cancellationToken) =>
            {
                var stat = await client.SetAclAsync(target, entries, expected, cancellationToken);
                output.Emit(printStat ? StatText.Format(stat) : null, () => new JsonObject { ["path"] = target, ["stat"] = StatJson.ToJson(stat) });
                return ExitCodes.Ok;
            };
        });
        return command;
    }
}
