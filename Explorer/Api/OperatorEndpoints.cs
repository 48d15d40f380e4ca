using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Operator;

namespace OrleansCoord.Explorer.Api;

/// <summary>
/// The operator's views, through the grid-internal <see cref="IGridOperatorGrain"/> (docs/adr/019): <c>GET
/// /explorer/api/sessions?offset=&amp;limit=</c> and <c>/session?id=0x…</c> (live sessions with their ephemerals and
/// recipe holds), <c>GET /explorer/api/recipes?offset=&amp;limit=</c> and <c>/recipe?kind=&amp;name=</c> (recipes with
/// holders and waiters, queues with their depth). Called on the silo's own grain factory, whose outgoing filter signs
/// internal calls; this HTTP port's admin guard (docs/adr/016) decides who may ask.
/// </summary>
internal static class OperatorEndpoints
{
    /// <summary>Entries per page unless asked otherwise.</summary>
    public const int DefaultPageSize = 50;

    public static void Map(RouteGroupBuilder api, IGrainFactory grains)
    {
        var view = grains.GetGrain<IGridOperatorGrain>(0);

        api.MapGet("/sessions", (int? offset, int? limit) => ApiErrors.RunAsync(async () =>
        {
            var (from, size) = PageOf(offset, limit);
            var page = await view.ListSessions(from, size);
            return Results.Json(new { total = page.Total, offset = from, sessions = page.Sessions.Select(Of) });
        }));

        api.MapGet("/session", (string? id) => ApiErrors.RunAsync(async () =>
        {
            var session = await view.GetSession(SessionIdOf(id));
            return session is null
                ? ApiErrors.Error("NoSession", $"no live session {id}", StatusCodes.Status404NotFound)
                : Results.Json(Of(session));
        }));

        api.MapGet("/recipes", (int? offset, int? limit) => ApiErrors.RunAsync(async () =>
        {
            var (from, size) = PageOf(offset, limit);
            var page = await view.ListRecipes(from, size);
            return Results.Json(new { total = page.Total, offset = from, recipes = page.Recipes.Select(Of) });
        }));

        api.MapGet("/recipe", (string? kind, string? name) => ApiErrors.RunAsync(async () =>
        {
            var recipe = await view.GetRecipe(kind ?? "", name ?? "");
            return recipe is null
                ? ApiErrors.Error("NoRecipe", $"no recipe {kind} {name}", StatusCodes.Status404NotFound)
                : Results.Json(Of(recipe));
        }));
    }

    private static (int Offset, int Limit) PageOf(int? offset, int? limit)
    {
        var (from, size) = (offset ?? 0, limit ?? DefaultPageSize);
        if (from < 0 || size is < 1 or > IGridOperatorGrain.MaxPage)
        {
            throw new CoordException(CoordErrorCode.BadArguments, null, $"offset must be >= 0 and limit 1..{IGridOperatorGrain.MaxPage}");
        }

        return (from, size);
    }

    /// <summary>A session id as the page shows it (<c>0x1f</c>) or in decimal.</summary>
    private static long SessionIdOf(string? id)
    {
        long value = 0;
        var parsed = id is not null && (id.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(id.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : long.TryParse(id, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value));
        return parsed ? value : throw new CoordException(CoordErrorCode.BadArguments, null, "id must be a session id (0x… or decimal)");
    }

    private static string Hex(long sessionId) => "0x" + sessionId.ToString("x", CultureInfo.InvariantCulture);

    private static object Of(SessionSummary s) => new
    {
        id = Hex(s.Id),
        timeoutMs = s.TimeoutMs,
        closing = s.Closing,
        silo = s.Silo,
        ephemerals = s.Ephemerals,
        ephemeralCount = s.EphemeralCount,
        holds = s.Holds.Select(key => new { kind = key[..Math.Max(0, key.IndexOf(':'))], name = key[(key.IndexOf(':') + 1)..] }),
    };

    private static object Of(RecipeSummary r) => new
    {
        kind = r.Kind,
        name = r.Name,
        lastToken = r.LastToken,
        limit = r.Limit,
        holders = r.Holders.Select(h => new { session = Hex(h.SessionId), holder = h.Holder, mode = h.Mode.ToString(), token = h.Token }),
        waiters = r.Waiters.Select(w => new { session = Hex(w.SessionId), holder = w.Holder, mode = w.Mode.ToString() }),
        depth = r.Depth is { } d ? new { ready = d.Ready, inFlight = d.InFlight } : null,
        error = r.Error,
    };
}
