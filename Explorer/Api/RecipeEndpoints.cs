using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansCoord.Errors;
using OrleansCoord.Explorer.Sessions;
using OrleansCoord.Recipes;

namespace OrleansCoord.Explorer.Api;

/// <summary>
/// <c>GET /explorer/api/lease?kind=Lock|ReadWriteLock|Semaphore|Election&amp;name=</c> (holders, waiters, last token)
/// and <c>GET /explorer/api/queue?name=</c> (depth). Recipes are grains keyed by name with no index of names, so the
/// page asks for one by name; it cannot list them.
/// </summary>
internal static class RecipeEndpoints
{
    public static void Map(RouteGroupBuilder api, ReadSession session)
    {
        api.MapGet("/lease", (string? kind, string? name, CancellationToken cancellationToken) => ApiErrors.RunAsync(async () =>
        {
            if (!Enum.TryParse<LeaseKind>(kind, ignoreCase: true, out var leaseKind) || !Enum.IsDefined(leaseKind))
            {
                throw new CoordException(CoordErrorCode.BadArguments, null, $"kind must be one of {string.Join(", ", Enum.GetNames<LeaseKind>())}");
            }

            var client = await session.GetAsync(cancellationToken);
            var view = await client.ReadLeaseAsync(leaseKind, name ?? "", cancellationToken);
            return Results.Json(new
            {
                kind = leaseKind.ToString(),
                name,
                lastToken = view.LastToken,
                waiters = view.Waiters,
                holders = view.Holders.Select(h => new { session = "0x" + h.SessionId.ToString("x"), holder = h.Holder, mode = h.Mode.ToString(), token = h.Token }),
            });
        }));

        api.MapGet("/queue", (string? name, CancellationToken cancellationToken) => ApiErrors.RunAsync(async () =>
        {
            var client = await session.GetAsync(cancellationToken);
            var length = await client.Queues.LengthAsync(name ?? "", cancellationToken);
            return Results.Json(new { name, ready = length.Ready, inFlight = length.InFlight });
        }));
    }
}
