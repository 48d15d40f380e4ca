using System.CommandLine;
using OrleansCoord.Client;

namespace OrleansCoord.Bench;

/// <summary>
/// <c>bench lock</c>: lock acquire + release through the SDK. <c>lock-free</c>: each worker has its own lock, so
/// an op is one uncontended grant and one release (two storage commits). <c>lock-hot</c>: all workers share one
/// lock (each as its own holder), so ops/s is the hand-over rate and latency includes the wait in the queue.
/// </summary>
public static class LockBench
{
    public static readonly string[] AllPhases = ["lock-free", "lock-hot"];

    public static Command Command()
    {
        var server = new Option<string>("--server") { Description = "Gateways, host:port[,host:port]", DefaultValueFactory = _ => "localhost:30000" };
        var ops = new Option<int>("--ops") { Description = "Acquire + release pairs per phase", DefaultValueFactory = _ => 5000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Workers", DefaultValueFactory = _ => 16 };
        var clusterId = new Option<string>("--cluster-id") { Description = "Orleans cluster id of the grid", DefaultValueFactory = _ => "orleanscoord" };
        var label = new Option<string?>("--label") { Description = "Free text for the report header, e.g. storage=Memory" };
        var command = new Command("lock", "Benchmark locks (recipes) through the .NET SDK") { server, ops, concurrency, clusterId, label };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new BenchSettings("lock", parse.GetValue(server)!, parse.GetValue(ops), parse.GetValue(concurrency), 0, 1, 0,
                AllPhases, parse.GetValue(label));
            if (settings.Ops < 1 || settings.Concurrency < 1)
            {
                Console.Error.WriteLine("--ops and --concurrency must be positive");
                return 2;
            }

            await using var client = await CoordClient.ConnectAsync(new CoordClientOptions
            {
                Servers = CoordClientOptions.ParseServers(settings.Server),
                ClusterId = parse.GetValue(clusterId)!,
                SessionTimeout = TimeSpan.FromSeconds(30),
            }, cancellationToken);
            var run = $"{Guid.NewGuid():N}"[..8];
            var wait = TimeSpan.FromMinutes(2);
            var results = new List<PhaseResult>
            {
                await PhaseRunner.RunAsync("lock-free", settings.Ops, settings.Concurrency, async (worker, _) =>
                {
                    await using var held = await client.Locks.AcquireAsync($"bench-{run}-{worker}", wait, holder: $"w{worker}");
                }, cancellationToken),
                await PhaseRunner.RunAsync("lock-hot", settings.Ops, settings.Concurrency, async (worker, _) =>
                {
                    await using var held = await client.Locks.AcquireAsync($"bench-{run}-hot", wait, holder: $"w{worker}");
                }, cancellationToken),
            };

            Console.WriteLine(Report.Describe(settings));
            Console.WriteLine(Report.Header);
            foreach (var result in results) Console.WriteLine(Report.Line(result));
            return results.Any(r => r.Errors > 0) ? 1 : 0;
        });
        return command;
    }
}
