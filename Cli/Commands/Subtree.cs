using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Cli.Commands;

/// <summary>Walks a subtree the way zkCli's <c>ls -R</c> and <c>deleteall</c> do: breadth first, one level at a time.</summary>
internal static class Subtree
{
    /// <summary>
    /// The full paths of <paramref name="root"/> and all its descendants, parents before children.
    /// Throws NoNode when <paramref name="root"/> itself is missing; a descendant that goes away
    /// during the walk (an ephemeral whose session ended, a concurrent delete) is left out.
    /// </summary>
    public static async Task<List<string>> ListAsync(CoordClient client, string root, CancellationToken cancellationToken)
    {
        var paths = new List<string> { root };
        var children = await client.GetChildrenAsync(root, cancellationToken);
        var queue = new Queue<string>(children.Children.Select(name => ZNodePath.Combine(root, name)));
        while (queue.TryDequeue(out var path))
        {
            try
            {
                var next = await client.GetChildrenAsync(path, cancellationToken);
                paths.Add(path);
                foreach (var name in next.Children)
                {
                    queue.Enqueue(ZNodePath.Combine(path, name));
                }
            }
            catch (CoordException exception) when (exception.Code == CoordErrorCode.NoNode)
            {
                // Gone since its parent was listed: it is not part of the subtree any more.
            }
        }

        return paths;
    }
}
