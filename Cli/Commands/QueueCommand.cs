using System.CommandLine;
using System.Text.Json.Nodes;
using OrleansCoord.Cli.Output;
using OrleansCoord.Errors;
using OrleansCoord.Recipes;
using OrleansCoord.Recipes.Queues;

namespace OrleansCoord.Cli.Commands;

/// <summary>
/// <c>queue put NAME DATA [-p PRIORITY]</c> prints the message id; <c>queue take NAME [--timeout S] [--visibility S]</c>
/// prints the data of the next message, then acks it (exit 1 when none arrived in time); <c>queue len NAME</c> prints
/// how many messages are ready to take.
/// </summary>
internal static class QueueCommand
{
    public static Command Build(GlobalOptions globals)
    {
        var command = new Command("queue", "Durable queues: put, take (with ack), len.") { Put(globals), Take(globals), Length(globals) };
        return command;
    }

    private static Argument<string> Name() => new("name") { Description = "The queue's name." };

    private static Command Put(GlobalOptions globals)
    {
        var name = Name();
        var data = CommandArguments.Data(minimum: 1);
        var priority = new Option<int>("--priority", "-p") { Description = "Higher is taken first (default 0).", HelpName = "n" };
        var command = new Command("put", "Append a message; prints its id.") { priority, name, data };
        command.SetGridAction(globals, parse =>
        {
            var queue = Validated(parse.GetValue(name));
            var bytes = CommandArguments.ReadData(parse.GetValue(data), globals);
            var level = parse.GetValue(priority);
            return async (client, output, cancellationToken) =>
            {
                var id = await client.Queues.PutAsync(queue, bytes, level, cancellationToken);
                output.Emit(id, () => new JsonObject { ["queue"] = queue, ["id"] = id });
                return ExitCodes.Ok;
            };
        });
        return command;
    }

    private static Command Take(GlobalOptions globals)
    {
        var name = Name();
        var visibility = new Option<double>("--visibility")
        {
            Description = "Seconds the message stays invisible to other takers until acked (default 30).",
            HelpName = "seconds",
            DefaultValueFactory = _ => QueueLimits.DefaultVisibilityMs / 1000.0,
        };
        var command = new Command("take", "Take the next message, print its data and ack it; waits up to --timeout seconds (default: until interrupted).")
        {
            visibility, name,
        };
        command.SetGridAction(globals, parse =>
        {
            var queue = Validated(parse.GetValue(name));
            var wait = globals.WaitOf(parse);
            var seconds = parse.GetValue(visibility);
            if (!(seconds * 1000 is >= 1 and <= QueueLimits.MaxVisibilityMs))
                throw CoordException.BadArguments(RecipeNameRules.Subject("queue", queue), $"--visibility must be 0.001 to {QueueLimits.MaxVisibilityMs / 1000} seconds, got {seconds}");

            return async (client, output, cancellationToken) =>
            {
                output.Status($"waiting for a message on queue {queue}");
                var item = await client.Queues.TakeAsync(queue, wait, TimeSpan.FromSeconds(seconds), cancellationToken);
                if (item is null)
                {
                    output.Error(CoordException.Format(CoordErrorCode.OperationTimeout, RecipeNameRules.Subject("queue", queue),
                        $"nothing arrived {RecipeWait.Describe(wait)}"));
                    return ExitCodes.GridError;
                }

                output.Emit(StatJson.ToText(item.Data), () =>
                {
                    var json = new JsonObject { ["queue"] = queue, ["id"] = item.Id, ["priority"] = item.Priority, ["delivery"] = item.Delivery };
                    StatJson.AddData(json, item.Data);
                    return json;
                });
                // Acked only once printed: a take killed before this point gives the message back after --visibility.
                await client.Queues.AckAsync(queue, item.Receipt, CancellationToken.None);
                return ExitCodes.Ok;
            };
        }, waits: true);
        return command;
    }

    private static Command Length(GlobalOptions globals)
    {
        var name = Name();
        var command = new Command("len", "Print how many messages are ready to take (--json: also how many are taken and not acked).") { name };
        command.SetGridAction(globals, parse =>
        {
            var queue = Validated(parse.GetValue(name));
            return async (client, output, cancellationToken) =>
            {
                var length = await client.Queues.LengthAsync(queue, cancellationToken);
                output.Emit(length.Ready.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    () => new JsonObject { ["queue"] = queue, ["ready"] = length.Ready, ["inFlight"] = length.InFlight });
                return ExitCodes.Ok;
            };
        });
        return command;
    }

    private static string Validated(string? queue)
    {
        RecipeNameRules.Validate("queue", queue);
        return queue!;
    }
}
