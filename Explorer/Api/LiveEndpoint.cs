using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansCoord.Explorer.Sessions;
using OrleansCoord.Watches;

namespace OrleansCoord.Explorer.Api;

/// <summary>
/// <c>GET /explorer/api/live?path=</c>: server-sent events fed by one persistent watch on the znode (its creation,
/// data changes, children changes, deletion). The watch is removed when the browser goes away (the request is
/// aborted). The page re-reads the node on each event, so a coalesced event loses nothing.
/// </summary>
internal static class LiveEndpoint
{
    public static void Map(RouteGroupBuilder api, ReadSession session, LiveStreamLimits limits, CancellationToken stopping)
    {
        api.MapGet("/live", async (HttpContext context, string? path) =>
        {
            var browser = BrowserId.Of(context);
            if (!limits.TryEnter(browser))
            {
                await ApiErrors.Error("TooManyStreams", "too many live views open in this browser or in all; close one", StatusCodes.Status429TooManyRequests)
                    .ExecuteAsync(context);
                return;
            }

            try
            {
                await StreamAsync(context, session, TreeEndpoints.PathOf(path), stopping);
            }
            finally
            {
                limits.Exit(browser);
            }
        });
    }

    private static async Task StreamAsync(HttpContext context, ReadSession session, string path, CancellationToken stopping)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var aborted = ended.Token;
        Client.ZNodeWatch watch;
        try
        {
            var client = await session.GetAsync(aborted);
            watch = await client.AddWatchAsync(path);
        }
        catch (Errors.CoordException exception)
        {
            await ApiErrors.Of(exception).ExecuteAsync(context);
            return;
        }

        await using (watch)
        {
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            // The page waits for this before it counts the view as live: every change after it is sent.
            await context.Response.WriteAsync("event: ready\ndata: {}\n\n", aborted);
            await context.Response.Body.FlushAsync(aborted);
            try
            {
                await foreach (var change in watch.ReadAllAsync(aborted))
                {
                    if (change.Type == WatchEventType.None) continue;
                    var data = JsonSerializer.Serialize(new { type = change.Type.ToString(), path = change.Path, revision = "0x" + change.Revision.ToString("x") });
                    await context.Response.WriteAsync($"event: change\ndata: {data}\n\n", aborted);
                    await context.Response.Body.FlushAsync(aborted);
                }
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                // The browser left (or the silo stops): the watch is removed below.
            }
        }
    }
}
