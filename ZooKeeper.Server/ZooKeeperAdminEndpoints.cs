using System.Text;
using System.Text.Json;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>ZooKeeper's AdminServer on the silo's HTTP port: <c>GET /commands</c> and <c>GET /commands/&lt;name&gt;</c>.</summary>
public static class ZooKeeperAdminEndpoints
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Maps the commands when the ZooKeeper port is on (they describe its connections); otherwise nothing.</summary>
    public static WebApplication MapZooKeeperAdmin(this WebApplication app)
    {
        if (app.Services.GetService<FourLetterWords>() is null) return app;

        // As ZooKeeper's CommandListServlet: one link per primary name.
        app.MapGet("/commands", () => Results.Content(
            string.Concat(FourLetterWords.AdminCommandNames.Select(name => $"<a href=\"/commands/{name}\">{name}</a>\n<br/>\n")),
            "text/html", Encoding.UTF8));
        app.MapGet("/commands/{name}", async (string name, FourLetterWords words) =>
            Results.Content((await words.AdminAnswerAsync(name)).ToJsonString(Indented), "application/json", Encoding.UTF8));
        return app;
    }
}
