using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansCoord.Errors;
using OrleansCoord.Explorer.Sessions;

namespace OrleansCoord.Explorer.Api;

/// <summary>
/// <c>GET /explorer/api/node?path=</c> (data rendered, Stat, ACL) and <c>GET /explorer/api/children?path=&amp;offset=&amp;limit=</c>
/// (sorted names, a page at a time), through the explorer's read session.
/// </summary>
internal static class TreeEndpoints
{
    /// <summary>Most children one page holds.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>Children per page unless asked otherwise.</summary>
    public const int DefaultPageSize = 100;

    public static void Map(RouteGroupBuilder api, ReadSession session)
    {
        api.MapGet("/node", (string? path, CancellationToken cancellationToken) => ApiErrors.RunAsync(async () =>
        {
            var client = await session.GetAsync(cancellationToken);
            var node = await client.GetDataAsync(PathOf(path), cancellationToken);
            object acl;
            try
            {
                acl = (await client.GetAclAsync(PathOf(path), cancellationToken)).Acl.Select(NodeViews.Of).ToArray();
            }
            catch (CoordException exception) when (exception.Code is CoordErrorCode.NoAuth or CoordErrorCode.NoNode)
            {
                acl = new { error = exception.Code.ToString() };
            }

            return Results.Json(new { path = PathOf(path), data = DataRendering.Render(node.Data, node.DataIsNull), stat = NodeViews.Of(node.Stat), acl });
        }));

        api.MapGet("/children", (string? path, int? offset, int? limit, CancellationToken cancellationToken) => ApiErrors.RunAsync(async () =>
        {
            var from = offset ?? 0;
            var size = limit ?? DefaultPageSize;
            if (from < 0 || size is < 1 or > MaxPageSize)
            {
                throw new CoordException(CoordErrorCode.BadArguments, path, $"offset must be >= 0 and limit 1..{MaxPageSize}");
            }

            var client = await session.GetAsync(cancellationToken);
            var children = await client.GetChildrenAsync(PathOf(path), cancellationToken);
            // The grid answers with every name; paging spares the browser a 100,000-row list, not the grid the read.
            var names = children.Children.Order(StringComparer.Ordinal).Skip(from).Take(size).ToArray();
            return Results.Json(new { path = PathOf(path), total = children.Children.Length, offset = from, names });
        }));
    }

    /// <summary>The path asked for (<c>/</c> when none); the SDK checks it (BadArguments).</summary>
    public static string PathOf(string? path) => string.IsNullOrEmpty(path) ? "/" : path;
}
