using System.CommandLine;
using System.Globalization;
using OrleansCoord.Errors;
using OrleansCoord.Recipes;

namespace OrleansCoord.Cli.Commands;

/// <summary>
/// <c>lock NAME [--timeout S] -- CMD [ARGS]</c>: holds the lock while CMD runs and exits with CMD's exit code.
/// CMD sees the lock in <c>COORD_LOCK</c> and its fencing token in <c>COORD_FENCING_TOKEN</c>. Not acquired in
/// time: OperationTimeout, exit 1. The session ends (the lock is lost): CMD is killed, SessionExpired, exit 1.
/// </summary>
internal static class LockCommand
{
    private const string Usage = "coord lock NAME [--timeout S] -- CMD [ARGS]";

    public static Command Build(GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "The lock's name." };
        var child = ChildCommand.Argument();
        var command = new Command("lock", "Run a command while holding a lock.") { name, child };
        command.SetGridAction(globals, parse =>
        {
            var lockName = parse.GetValue(name)!;
            RecipeLimits.ValidateName(lockName);
            var run = ChildCommand.Require(parse.GetValue(child), Usage);
            var waitFor = globals.WaitOf(parse);

            return async (client, output, cancellationToken) =>
            {
                output.Status($"waiting for lock {lockName}");
                await using var held = await client.Locks.AcquireAsync(lockName, waitFor, cancellationToken: cancellationToken);
                var environment = new Dictionary<string, string>
                {
                    ["COORD_LOCK"] = lockName,
                    ["COORD_FENCING_TOKEN"] = held.FencingToken.ToString(CultureInfo.InvariantCulture),
                };
                return await ChildCommand.RunAsync(run, environment, held.Lost,
                    () => new CoordException(CoordErrorCode.SessionExpired, lockName, "session ended, lock lost; command stopped"), cancellationToken);
            };
        }, waits: true);
        return command;
    }
}
