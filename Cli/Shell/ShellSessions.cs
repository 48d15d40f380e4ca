using System.CommandLine;
using OrleansCoord.Cli.Output;
using OrleansCoord.Cli.Sessions;
using OrleansCoord.Client;
using OrleansCoord.Errors;

namespace OrleansCoord.Cli.Shell;

/// <summary>
/// The interactive shell's one session, lent to every command typed in it: ephemerals, identities and the session's
/// revision carry from one line to the next, as in zkCli's shell. Options that would need another session are refused.
/// </summary>
internal sealed class ShellSessions(CoordClient client) : ISessionSource
{
    public Task<CoordClient> AcquireAsync(ParseResult parse, GlobalOptions globals, CoordClientOptions options, bool waits, CancellationToken cancellationToken)
    {
        Option[] fixedForTheSession = [globals.Server, globals.ClusterId, globals.ServiceId, globals.SessionTimeout, globals.Auth, globals.Ca, globals.Certificate, globals.Key];
        if (!waits) fixedForTheSession = [.. fixedForTheSession, globals.Timeout];
        foreach (var option in fixedForTheSession)
        {
            if (parse.GetResult(option) is { Implicit: false } given)
            {
                throw CoordException.BadArguments(null,
                    $"{given.IdentifierToken?.Value ?? option.Name} holds for the shell's whole session: give it when starting coord");
            }
        }

        return Task.FromResult(client);
    }

    /// <summary>Nothing: the session stays open until the shell ends.</summary>
    public Task ReleaseAsync(CoordClient client, CoordClientOptions options, ConsoleOutput output) => Task.CompletedTask;
}
