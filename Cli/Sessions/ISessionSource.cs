using System.CommandLine;
using OrleansCoord.Cli.Output;
using OrleansCoord.Client;

namespace OrleansCoord.Cli.Sessions;

/// <summary>Where a command gets its session: a new one for this run (<see cref="PerCommandSessions"/>), or the
/// interactive shell's one session (<see cref="Shell.ShellSessions"/>).</summary>
internal interface ISessionSource
{
    /// <summary>A session for the command on <paramref name="parse"/>; throws BadArguments for options it cannot honour.</summary>
    /// <param name="waits">The command waits for a recipe, so its <c>--timeout</c> bounds that wait, not the requests.</param>
    Task<CoordClient> AcquireAsync(ParseResult parse, GlobalOptions globals, CoordClientOptions options, bool waits, CancellationToken cancellationToken);

    /// <summary>Called once the command is done with <paramref name="client"/>, also after a failure.</summary>
    Task ReleaseAsync(CoordClient client, CoordClientOptions options, ConsoleOutput output);
}
