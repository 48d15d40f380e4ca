using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OrleansCoord.Explorer.Api;
using OrleansCoord.Explorer.Sessions;

namespace OrleansCoord.Explorer.Hosting;

/// <summary>Puts the grid explorer on a silo's HTTP port.</summary>
public static class WebApplicationExplorerExtensions
{
    /// <summary>
    /// Maps the explorer's page under <c>/explorer</c>, its JSON API under <c>/explorer/api</c>, and a small index at
    /// <c>/</c> linking the port's pages. Whatever guards the port (the admin-port guard, docs/adr/016) guards these too:
    /// call it after the guard's middleware is in place. Reads and watches go through one grid session on the silo's
    /// own grain factory; edits (only with <see cref="ExplorerOptions.EditEnabled"/>) through the editor's own.
    /// </summary>
    public static WebApplication MapGridExplorer(this WebApplication app, ExplorerOptions options)
    {
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        var session = new ReadSession(grains);
        var editors = new EditSessions(grains, options, TimeProvider.System);
        var limits = new LiveStreamLimits(options);
        // Close the explorer's sessions while the silo still runs (their ephemerals go with them); live streams end
        // at once, so that an open browser tab does not hold the silo's shutdown.
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            _ = session.DisposeAsync().AsTask();
            _ = editors.DisposeAsync().AsTask();
        });

        app.MapGet("/", () => StaticAssets.Serve("links.html"));
        app.MapGet("/explorer", (HttpContext context) =>
        {
            BrowserId.Of(context);
            return StaticAssets.Serve("index.html");
        });
        app.MapGet("/explorer/{file:regex(^[a-z]+\\.(js|css)$)}", (string file) => StaticAssets.Serve(file));

        var api = app.MapGroup("/explorer/api");
        api.MapGet("/status", () => Results.Json(new { liveStreams = limits.Open, editEnabled = options.EditEnabled }));
        TreeEndpoints.Map(api, session);
        LiveEndpoint.Map(api, session, limits, app.Lifetime.ApplicationStopping);
        ProxyEndpoint.Map(api, session);
        OperatorEndpoints.Map(api, grains);
        EditEndpoints.Map(api, options, editors);
        return app;
    }
}
