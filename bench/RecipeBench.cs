using System.CommandLine;
using OrleansCoord.Client;

namespace OrleansCoord.Bench;

/// <summary>
/// <c>bench recipes</c> (alias <c>bench lock</c>): locks, queue and counter through the SDK, phases as in
/// <see cref="RecipeWorkloads"/>. Same table as bench/zookeeper/kazoo_recipes.py, the ZooKeeper reference.
/// </summary>
public static class RecipeBench
{
    public static Command Command()
    {
        var server = new Option<string>("--server") { Description = "Gateways, host:port[,host:port]", DefaultValueFactory = _ => "localhost:30000" };
        var ops = new Option<int>("--ops") { Description = "Operations per phase", DefaultValueFactory = _ => 5000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Workers (8: the hand-off phase has 8 contenders)", DefaultValueFactory = _ => 8 };
        var size = new Option<int>("--size") { Description = "Bytes per queue message", DefaultValueFactory = _ => 64 };
        var clients = new Option<int>("--clients") { Description = "Sessions (CoordClient connections) the workers are spread over", DefaultValueFactory = _ => 1 };
        var warmup = new Option<int>("--warmup") { Description = "Operations per phase in the unreported warm-up on other names (0: none)", DefaultValueFactory = _ => 200 };
        var phases = new Option<string>("--phases") { Description = "Comma-separated subset of " + string.Join(',', RecipeWorkloads.AllPhases), DefaultValueFactory = _ => string.Join(',', RecipeWorkloads.AllPhases) };
        var clusterId = new Option<string>("--cluster-id") { Description = "Orleans cluster id of the grid", DefaultValueFactory = _ => "orleanscoord" };
        var serviceId = new Option<string>("--service-id") { Description = "Orleans service id of the grid", DefaultValueFactory = _ => "orleanscoord" };
        var label = new Option<string?>("--label") { Description = "Free text for the report header and JSON, e.g. storage=Memory" };
        var jsonOut = new Option<FileInfo?>("--json-out") { Description = "Also write the JSON document to this file" };
        var command = new Command("recipes", "Benchmark the recipes (locks, queue, counter) through the .NET SDK")
        {
            server, ops, concurrency, size, clients, warmup, phases, clusterId, serviceId, label, jsonOut,
        };
        command.Aliases.Add("lock");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var phaseList = parse.GetValue(phases)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var unknown = phaseList.Except(RecipeWorkloads.AllPhases).ToArray();
            if (unknown.Length > 0 || phaseList.Length == 0)
            {
                Console.Error.WriteLine($"unknown phase(s): {string.Join(',', unknown)}; use {string.Join(',', RecipeWorkloads.AllPhases)}");
                return 2;
            }

            if (phaseList.Contains("queue-take") && Array.IndexOf(phaseList, "queue-put") is var put && (put < 0 || put > Array.IndexOf(phaseList, "queue-take")))
            {
                Console.Error.WriteLine("queue-take takes what queue-put put: list queue-put before it");
                return 2;
            }

            var settings = new BenchSettings("grid-recipes", parse.GetValue(server)!, parse.GetValue(ops), parse.GetValue(concurrency),
                parse.GetValue(size), parse.GetValue(clients), parse.GetValue(warmup), phaseList, parse.GetValue(label));
            if (settings.Ops < 1 || settings.Concurrency < 1 || settings.Clients < 1 || settings.Size < 0 || settings.Warmup < 0)
            {
                Console.Error.WriteLine("--ops, --concurrency and --clients must be positive; --size and --warmup not negative");
                return 2;
            }

            Console.Error.WriteLine(Report.Describe(settings));
            var sessions = new List<CoordClient>();
            try
            {
                for (var i = 0; i < settings.Clients; i++)
                {
                    sessions.Add(await CoordClient.ConnectAsync(new CoordClientOptions
                    {
                        Servers = CoordClientOptions.ParseServers(settings.Server),
                        ClusterId = parse.GetValue(clusterId)!,
                        ServiceId = parse.GetValue(serviceId)!,
                        SessionTimeout = TimeSpan.FromSeconds(30),
                    }, cancellationToken));
                }

                return await RunAsync(settings, sessions, parse.GetValue(jsonOut), cancellationToken);
            }
            finally
            {
                foreach (var session in sessions) await session.DisposeAsync();
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(BenchSettings settings, List<CoordClient> sessions, FileInfo? jsonOut, CancellationToken cancellationToken)
    {
        var run = $"{Guid.NewGuid():N}"[..8];
        var results = new List<PhaseResult>();
        try
        {
            if (settings.Warmup > 0)
            {
                var warm = new RecipeWorkloads(sessions, settings.Size, run + "-warmup");
                foreach (var phase in settings.Phases) await warm.RunAsync(phase, settings.Warmup, settings.Concurrency, cancellationToken);
            }

            var measured = new RecipeWorkloads(sessions, settings.Size, run);
            foreach (var phase in settings.Phases)
            {
                var result = await measured.RunAsync(phase, settings.Ops, settings.Concurrency, cancellationToken);
                Console.Error.WriteLine(Report.WideLine(result) + (result.FirstError is { } error ? $"  first error: {error}" : ""));
                results.Add(result);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Console.Error.WriteLine($"bench failed: {exception.GetType().Name}: {exception.Message}");
            return 3;
        }

        if (jsonOut is { } file)
            await File.WriteAllTextAsync(file.FullName, Report.ToJson(settings, results), CancellationToken.None);

        Console.WriteLine(Report.Describe(settings));
        Console.WriteLine(Report.WideHeader);
        foreach (var result in results) Console.WriteLine(Report.WideLine(result));
        return results.Any(r => r.Errors > 0) ? 1 : 0;
    }
}
