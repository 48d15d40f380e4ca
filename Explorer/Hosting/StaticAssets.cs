using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace OrleansCoord.Explorer.Hosting;

/// <summary>The page's files, embedded in this assembly from wwwroot/ (no build step, nothing from a CDN).</summary>
internal static class StaticAssets
{
    private static readonly Assembly Assembly = typeof(StaticAssets).Assembly;

    /// <summary>Answers with the embedded file <paramref name="name"/> (404 when there is none).</summary>
    public static IResult Serve(string name)
    {
        var stream = Assembly.GetManifestResourceStream("explorer/" + name);
        if (stream is null) return Results.NotFound();
        var type = Path.GetExtension(name) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => "application/octet-stream",
        };
        return Results.Stream(stream, type);
    }
}
