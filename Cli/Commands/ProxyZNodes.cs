using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Cli.Commands;

/// <summary>Writes of the proxy's configuration znodes: persistent, parents created as needed, replaced when present.</summary>
internal static class ProxyZNodes
{
    public static async Task UpsertAsync(CoordClient client, string path, byte[] data, CancellationToken cancellationToken)
    {
        await EnsurePathAsync(client, ZNodePath.Parent(path), cancellationToken);
        try
        {
            await client.CreateAsync(path, data, CreateMode.Persistent, cancellationToken: cancellationToken);
        }
        catch (CoordException exception) when (exception.Code == CoordErrorCode.NodeExists)
        {
            await client.SetDataAsync(path, data, -1, cancellationToken);
        }
    }

    private static async Task EnsurePathAsync(CoordClient client, string path, CancellationToken cancellationToken)
    {
        var current = "";
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current += "/" + segment;
            try
            {
                await client.CreateAsync(current, cancellationToken: cancellationToken);
            }
            catch (CoordException exception) when (exception.Code == CoordErrorCode.NodeExists)
            {
                // Already there: a concurrent writer or an earlier command made it.
            }
        }
    }
}
