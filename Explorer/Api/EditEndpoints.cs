using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansCoord.Client;
using OrleansCoord.Explorer.Sessions;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Explorer.Api;

/// <summary>
/// Editing, only with <see cref="ExplorerOptions.EditEnabled"/> and only for a signed-in editor:
/// <c>POST /explorer/api/signin</c> {user, password} proves a digest identity on a session of the editor's own;
/// <c>POST /explorer/api/create</c> {path, data, ephemeral?}, <c>POST /explorer/api/set</c> {path, data, version} and
/// <c>POST /explorer/api/delete</c> {path, version} run on that session, so the znodes' ACLs decide.
/// Every call must carry the header <c>X-Coord-Explorer: edit</c>: a cross-site page cannot send it without a CORS
/// preflight, which this port never grants (with the SameSite=Strict cookie, no cross-site request can edit).
/// </summary>
internal static class EditEndpoints
{
    public const string EditCookie = "coord-explorer-editor";
    public const string GuardHeader = "X-Coord-Explorer";

    public sealed record SignIn(string? User, string? Password);

    public sealed record Write(string? Path, string? Data, int? Version, bool? Ephemeral);

    public static void Map(RouteGroupBuilder api, ExplorerOptions options, EditSessions editors)
    {
        api.MapGet("/editing", (HttpContext context) => Results.Json(new
        {
            enabled = options.EditEnabled,
            identities = editors.Find(context.Request.Cookies[EditCookie])?.AuthIds.Select(a => $"{a.Scheme}:{a.Id}") ?? [],
        }));

        api.MapPost("/signin", (HttpContext context, SignIn body) => Guarded(context, options, async () =>
        {
            if (string.IsNullOrEmpty(body.User) || body.Password is null)
            {
                return ApiErrors.Error("BadArguments", "user and password are needed", StatusCodes.Status400BadRequest);
            }

            await editors.SignOutAsync(context.Request.Cookies[EditCookie]);
            var signedIn = await editors.SignInAsync(body.User, body.Password, context.RequestAborted);
            if (signedIn is not { } editor)
            {
                return ApiErrors.Error("TooManyEditors", "too many editors are signed in; try later", StatusCodes.Status429TooManyRequests);
            }

            context.Response.Cookies.Append(EditCookie, editor.Token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                Path = "/explorer",
            });
            return Results.Json(new { identities = editor.Client.AuthIds.Select(a => $"{a.Scheme}:{a.Id}") });
        }));

        api.MapPost("/signout", (HttpContext context, CancellationToken _) => Guarded(context, options, async () =>
        {
            await editors.SignOutAsync(context.Request.Cookies[EditCookie]);
            context.Response.Cookies.Delete(EditCookie, new CookieOptions { Path = "/explorer" });
            return Results.Json(new { });
        }));

        api.MapPost("/create", (HttpContext context, Write body) => AsEditor(context, options, editors, async client =>
        {
            var created = await client.CreateAsync(TreeEndpoints.PathOf(body.Path), Bytes(body.Data),
                body.Ephemeral == true ? CreateMode.Ephemeral : CreateMode.Persistent);
            return Results.Json(new { path = created });
        }));

        api.MapPost("/set", (HttpContext context, Write body) => AsEditor(context, options, editors, async client =>
        {
            var stat = await client.SetDataAsync(TreeEndpoints.PathOf(body.Path), Bytes(body.Data), body.Version ?? -1, context.RequestAborted);
            return Results.Json(new { stat = NodeViews.Of(stat) });
        }));

        api.MapPost("/delete", (HttpContext context, Write body) => AsEditor(context, options, editors, async client =>
        {
            await client.DeleteAsync(TreeEndpoints.PathOf(body.Path), body.Version ?? -1, context.RequestAborted);
            return Results.Json(new { });
        }));
    }

    private static byte[] Bytes(string? data) => data is null ? [] : Encoding.UTF8.GetBytes(data);

    private static Task<IResult> AsEditor(HttpContext context, ExplorerOptions options, EditSessions editors, Func<CoordClient, Task<IResult>> write) =>
        Guarded(context, options, () => editors.Find(context.Request.Cookies[EditCookie]) is { } client
            ? write(client)
            : Task.FromResult(ApiErrors.Error("SignInRequired", "sign in with a digest user and password to edit", StatusCodes.Status401Unauthorized)));

    private static Task<IResult> Guarded(HttpContext context, ExplorerOptions options, Func<Task<IResult>> request)
    {
        if (!options.EditEnabled)
        {
            return Task.FromResult(ApiErrors.Error("EditingDisabled", "the explorer is read-only: start the silo with --explorer-edit to edit", StatusCodes.Status403Forbidden));
        }

        if (context.Request.Headers[GuardHeader] != "edit")
        {
            return Task.FromResult(ApiErrors.Error("BadRequest", $"edit requests carry the header {GuardHeader}: edit", StatusCodes.Status400BadRequest));
        }

        return ApiErrors.RunAsync(request);
    }
}
