using System.CommandLine;
using System.Text.Json.Nodes;
using OrleansCoord.Errors;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Cli.Commands;

/// <summary><c>deleteall PATH</c>: zkCli's recursive delete, children before their parents.</summary>
internal static class DeleteAllCommand
{
    /// <summary>How often the subtree is walked again when a child appeared during the delete (NotEmpty).</summary>
    private const int MaxPasses = 3;

    public static Command Build(GlobalOptions globals)
    {
        var path = CommandArguments.Path();
        var command = new Command("deleteall", "Delete a znode and its whole subtree.") { path };
        command.Aliases.Add("rmr");
        command.SetGridAction(globals, parse =>
        {
            var target = parse.GetValue(path)!;
            ZNodeRequests.ValidateDelete(target, -1);

            return async (client, output, cancellationToken) =>
            {
                var deleted = await DeleteSubtreeAsync(client, target, cancellationToken);
                output.Emit(null, () => new JsonObject { ["path"] = target, ["deleted"] = deleted });
                return ExitCodes.Ok;
            };
        });
        return command;
    }

    private static async Task<int> DeleteSubtreeAsync(Client.CoordClient client, string target, CancellationToken cancellationToken)
    {
        var deleted = 0;
        for (var pass = 1; ; pass++)
        {
            List<string> paths;
            try
            {
                paths = await Subtree.ListAsync(client, target, cancellationToken);
            }
            catch (CoordException exception) when (exception.Code == CoordErrorCode.NoNode && pass > 1)
            {
                return deleted; // A container goes by itself once its last child is deleted.
            }

            try
            {
                // Breadth-first order reversed: every child comes before its parent.
                for (var i = paths.Count - 1; i >= 0; i--)
                {
                    try
                    {
                        await client.DeleteAsync(paths[i], -1, cancellationToken);
                        deleted++;
                    }
                    catch (CoordException exception) when (exception.Code == CoordErrorCode.NoNode)
                    {
                        // Already gone: an expired ephemeral, an emptied container, or another deleter.
                    }
                }

                return deleted;
            }
            catch (CoordException exception) when (exception.Code == CoordErrorCode.NotEmpty && pass < MaxPasses)
            {
                // Someone created a child after the walk; walk again rather than fail half way.
            }
        }
    }
}
