using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using OrleansCoord.Client.Recipes;
using OrleansCoord.Errors;
using OrleansCoord.Recipes;

namespace OrleansCoord.Cli.Commands;

/// <summary>
/// <c>elect NAME ID -- CMD [ARGS]</c>: campaigns as ID and runs CMD while leading (CMD sees <c>COORD_TERM</c>); exits
/// with CMD's exit code, or kills CMD and fails with SessionExpired when leadership is lost.
/// <c>elect NAME --observe [--count N]</c>: prints <c>ID TERM</c> for the leader now and each change
/// (<c>- TERM</c> while nobody leads).
/// </summary>
internal static class ElectCommand
{
    private const string Usage = "coord elect NAME ID -- CMD [ARGS] | coord elect NAME --observe [--count N]";

    public static Command Build(GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "The election's name." };
        var candidate = new Argument<string?>("id") { Description = "This candidate's id.", Arity = ArgumentArity.ZeroOrOne };
        var child = ChildCommand.Argument();
        var observe = new Option<bool>("--observe") { Description = "Print the leader and each change instead of campaigning." };
        var count = new Option<int?>("--count", "-n") { Description = "With --observe: stop after this many lines." };

        var command = new Command("elect", "Run a command while leading an election, or observe its leader.")
        {
            name, candidate, child, observe, count,
        };
        command.SetGridAction(globals, parse =>
        {
            var election = parse.GetValue(name)!;
            RecipeLimits.ValidateName(election);
            var limit = parse.GetValue(count);
            if (parse.GetValue(observe))
            {
                if (parse.GetValue(candidate) is not null) throw CoordException.BadArguments(null, $"--observe takes no ID or command; usage: {Usage}");
                if (limit is <= 0) throw CoordException.BadArguments(null, $"--count must be positive, got {limit}");
                return (client, output, cancellationToken) => ObserveAsync(client, output, election, limit, cancellationToken);
            }

            if (limit is not null) throw CoordException.BadArguments(null, "--count goes with --observe");
            var id = parse.GetValue(candidate) ?? throw CoordException.BadArguments(null, $"no candidate ID; usage: {Usage}");
            RecipeLimits.ValidateHolder(id, allowEmpty: false);
            var run = ChildCommand.Require(parse.GetValue(child), Usage);
            var waitFor = globals.WaitOf(parse);

            return async (client, output, cancellationToken) =>
            {
                output.Status($"waiting for leadership of {election} as {id}");
                await using var leading = await client.Elections.CampaignAsync(election, id, waitFor, cancellationToken);
                var environment = new Dictionary<string, string>
                {
                    ["COORD_ELECTION"] = election,
                    ["COORD_TERM"] = leading.Term.ToString(CultureInfo.InvariantCulture),
                };
                return await ChildCommand.RunAsync(run, environment, leading.Lost,
                    () => new CoordException(CoordErrorCode.SessionExpired, election, "session ended, leadership lost; command stopped"), cancellationToken);
            };
        }, waits: true);
        return command;
    }

    private static async Task<int> ObserveAsync(Client.CoordClient client, Output.ConsoleOutput output, string election, int? limit,
        CancellationToken cancellationToken)
    {
        var printed = 0;
        await foreach (var leader in client.Elections.ObserveAsync(election, cancellationToken))
        {
            Print(output, leader);
            if (++printed == limit) break;
        }

        return ExitCodes.Ok;
    }

    private static void Print(Output.ConsoleOutput output, LeaderInfo leader) =>
        output.Emit($"{leader.CandidateId ?? "-"} {leader.Term}", () => new JsonObject
        {
            ["leader"] = leader.CandidateId,
            ["term"] = leader.Term,
        });
}
