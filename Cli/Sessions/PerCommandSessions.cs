using System.CommandLine;
using OrleansCoord.Cli.Output;
using OrleansCoord.Client;
using OrleansCoord.Errors;

namespace OrleansCoord.Cli.Sessions;

/// <summary>One session per <c>coord</c> run, like <c>zkCli.sh -server host:port cmd args</c>: opened for the command,
/// closed after it.</summary>
internal sealed class PerCommandSessions : ISessionSource
{
    public async Task<CoordClient> AcquireAsync(ParseResult parse, GlobalOptions globals, CoordClientOptions options, bool waits, CancellationToken cancellationToken)
    {
        var identities = globals.AuthOf(parse);
        var client = await GridConnector.ConnectAsync(options, cancellationToken);
        try
        {
            foreach (var (scheme, auth) in identities) await client.AddAuthAsync(scheme, auth);
            return client;
        }
        catch
        {
            await client.CloseAsync();
            throw;
        }
    }

    public async Task ReleaseAsync(CoordClient client, CoordClientOptions options, ConsoleOutput output)
    {
        // Closing deletes this session's ephemerals now rather than after the session timeout, so
        // `coord create -e` leaves nothing behind. Bounded: a grid that went away must not hang the exit.
        try
        {
            await client.CloseAsync().WaitAsync(options.RequestTimeout + TimeSpan.FromSeconds(5));
        }
        catch (Exception exception)
        {
            var reason = exception is CoordException coord ? coord.Message : $"{exception.GetType().Name}: {exception.Message}";
            output.Error($"warning: session not closed ({reason}); its ephemerals go when it expires");
        }
    }
}
