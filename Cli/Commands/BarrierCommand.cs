using System.CommandLine;
using System.Text.Json.Nodes;
using OrleansCoord.Errors;
using OrleansCoord.Recipes;

namespace OrleansCoord.Cli.Commands;

/// <summary><c>barrier enter NAME --count N [--timeout S]</c>: returns (exit 0) when N participants have entered;
/// exit 1 when --timeout passed first (the place is then given up).</summary>
internal static class BarrierCommand
{
    public static Command Build(GlobalOptions globals) => new("barrier", "Barriers: wait until N participants have entered.") { Enter(globals) };

    private static Command Enter(GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "The barrier's name." };
        var count = new Option<int>("--count", "-n") { Description = "How many participants the barrier waits for.", Required = true, HelpName = "n" };
        var command = new Command("enter", "Enter and wait until --count participants have entered (up to --timeout seconds, default: until interrupted).")
        {
            count, name,
        };
        command.SetGridAction(globals, parse =>
        {
            var barrier = parse.GetValue(name);
            RecipeNameRules.Validate("barrier", barrier);
            var subject = RecipeNameRules.Subject("barrier", barrier!);
            var participants = parse.GetValue(count);
            if (participants < 1) throw CoordException.BadArguments(subject, $"--count must be at least 1, got {participants}");
            var wait = globals.WaitOf(parse);

            return async (client, output, cancellationToken) =>
            {
                output.Status($"waiting at barrier {barrier} until {participants} have entered");
                if (await client.Barriers.EnterAsync(barrier!, participants, wait, cancellationToken))
                {
                    output.Emit(null, () => new JsonObject { ["barrier"] = barrier, ["released"] = true });
                    return ExitCodes.Ok;
                }

                output.Error(CoordException.Format(CoordErrorCode.OperationTimeout, subject, $"fewer than {participants} entered {RecipeWait.Describe(wait)}"));
                return ExitCodes.GridError;
            };
        }, waits: true);
        return command;
    }
}
