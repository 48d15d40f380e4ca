using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using OrleansCoord.Cli.Output;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Recipes;

namespace OrleansCoord.Cli.Commands;

/// <summary>
/// <c>counter get NAME</c>, <c>counter add NAME DELTA</c>, <c>counter cas NAME EXPECTED NEW</c>: each prints the
/// resulting value alone. A cas that does not swap prints the current value and exits 1 (BadVersion on stderr).
/// </summary>
internal static class CounterCommand
{
    public static Command Build(GlobalOptions globals) =>
        new("counter", "Distributed 64-bit counters: get, add, cas.") { Get(globals), Add(globals), CompareAndSet(globals) };

    private static Argument<string> Name() => new("name") { Description = "The counter's name." };

    private static Argument<long> Number(string name, string description) => new(name) { Description = description };

    private static Command Get(GlobalOptions globals)
    {
        var name = Name();
        var command = new Command("get", "Print the counter's value (0 if never written).") { name };
        command.SetGridAction(globals, parse => Act(parse.GetValue(name), (client, counter, token) => client.Counters.GetAsync(counter, token)));
        return command;
    }

    private static Command Add(GlobalOptions globals)
    {
        var name = Name();
        var delta = Number("delta", "What to add (negative subtracts; write -- before a negative number).");
        var command = new Command("add", "Add to the counter; prints the new value.") { name, delta };
        command.SetGridAction(globals, parse =>
        {
            var by = parse.GetValue(delta);
            return Act(parse.GetValue(name), (client, counter, token) => client.Counters.AddAsync(counter, by, token));
        });
        return command;
    }

    private static Command CompareAndSet(GlobalOptions globals)
    {
        var name = Name();
        var expected = Number("expected", "The value the counter must have.");
        var next = Number("new", "The value to set.");
        var command = new Command("cas", "Set the counter only if it has the expected value; prints the resulting value.") { name, expected, next };
        command.SetGridAction(globals, parse =>
        {
            var counter = Validated(parse.GetValue(name));
            var (from, to) = (parse.GetValue(expected), parse.GetValue(next));
            return async (client, output, cancellationToken) =>
            {
                var result = await client.Counters.CompareAndSetAsync(counter, from, to, cancellationToken);
                Print(output, counter, result.Value, result.Succeeded);
                if (result.Succeeded) return ExitCodes.Ok;
                output.Error(CoordException.Format(CoordErrorCode.BadVersion, RecipeNameRules.Subject("counter", counter),
                    $"expected {from}, actual {result.Value}"));
                return ExitCodes.GridError;
            };
        });
        return command;
    }

    private static GridAction Act(string? name, Func<CoordClient, string, CancellationToken, Task<long>> call)
    {
        var counter = Validated(name);
        return async (client, output, cancellationToken) =>
        {
            Print(output, counter, await call(client, counter, cancellationToken), null);
            return ExitCodes.Ok;
        };
    }

    private static void Print(ConsoleOutput output, string counter, long value, bool? swapped) =>
        output.Emit(value.ToString(CultureInfo.InvariantCulture), () =>
        {
            var json = new JsonObject { ["counter"] = counter, ["value"] = value };
            if (swapped is { } ok) json["succeeded"] = ok;
            return json;
        });

    private static string Validated(string? counter)
    {
        RecipeNameRules.Validate("counter", counter);
        return counter!;
    }
}
