using System.CommandLine;
using System.Text.Json.Nodes;
using OrleansCoord.Acls;
using OrleansCoord.Recipes.Acls;

namespace OrleansCoord.Cli.Commands;

/// <summary>
/// <c>recipe-acl get KIND NAME</c> and <c>recipe-acl set KIND NAME ACL</c>: a recipe's ACL (docs/adr/018-recipe-acls.md),
/// written and printed as <c>getacl</c>/<c>setacl</c> do a znode's. KIND is one of lock, rwlock, semaphore, election,
/// queue, counter, barrier, doublebarrier.
/// </summary>
internal static class RecipeAclCommand
{
    public static Command Build(GlobalOptions globals) =>
        new("recipe-acl", "A recipe's ACL (who may take, wait on, fill, drain, read or change it): get, set.") { Get(globals), Set(globals) };

    private static Argument<string> Kind() => new("kind") { Description = $"One of {string.Join(", ", RecipeAclGrains.KindNames)}." };

    private static Argument<string> Name() => new("name") { Description = "The recipe's name." };

    private static Command Get(GlobalOptions globals)
    {
        var (kind, name) = (Kind(), Name());
        var command = new Command("get", "Print a recipe's ACL (world:anyone:cdrwa when it has none); needs r or a.") { kind, name };
        command.SetGridAction(globals, parse =>
        {
            var recipe = RecipeAclGrains.ParseKind(parse.GetValue(kind));
            var target = parse.GetValue(name)!;
            return async (client, output, cancellationToken) =>
            {
                var acl = await client.GetRecipeAclAsync(recipe, target, cancellationToken);
                output.Emit(string.Join(Environment.NewLine, acl.Select(e => e.ToString())), () => new JsonObject
                {
                    ["kind"] = RecipeAclGrains.KindName(recipe),
                    ["name"] = target,
                    ["acl"] = new JsonArray([.. acl.Select(e => (JsonNode)new JsonObject
                    {
                        ["scheme"] = e.Scheme,
                        ["id"] = e.Id,
                        ["perms"] = AclEntry.PermsText(e.Perms),
                    })]),
                });
                return ExitCodes.Ok;
            };
        });
        return command;
    }

    private static Command Set(GlobalOptions globals)
    {
        var (kind, name) = (Kind(), Name());
        var acl = new Argument<string>("acl") { Description = "scheme:id:perms[,...], e.g. digest:alice:HASH:cdrwa or auth::cdrwa; world:anyone:cdrwa removes the ACL" };
        var command = new Command("set", "Replace a recipe's ACL; needs a under the current one (anyone while it has none), also before the recipe's first use.")
        {
            kind, name, acl,
        };
        command.SetGridAction(globals, parse =>
        {
            var recipe = RecipeAclGrains.ParseKind(parse.GetValue(kind));
            var target = parse.GetValue(name)!;
            var entries = AclEntry.ParseList(parse.GetValue(acl));
            return async (client, output, cancellationToken) =>
            {
                await client.SetRecipeAclAsync(recipe, target, entries, cancellationToken);
                output.Emit(null, () => new JsonObject { ["kind"] = RecipeAclGrains.KindName(recipe), ["name"] = target });
                return ExitCodes.Ok;
            };
        });
        return command;
    }
}
