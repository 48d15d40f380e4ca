using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Bench;

/// <summary>
/// The grid workload: under a fresh parent <c>/bench-&lt;random&gt;</c>, <c>ops</c> distinct znodes go
/// through the phases create, set, get, exists, delete; the parent is removed at the end.
/// </summary>
public sealed class GridBench(BenchSettings settings, CoordClientOptions clientOptions, TextWriter log)
{
    public static readonly string[] AllPhases = ["create", "set", "get", "exists", "delete"];

    public async Task<IReadOnlyList<PhaseResult>> RunAsync(CancellationToken cancellationToken)
    {
        var clients = new List<CoordClient>();
        try
        {
            for (var i = 0; i < settings.Clients; i++)
            {
                clients.Add(await CoordClient.ConnectAsync(clientOptions, cancellationToken));
            }

            var parent = $"/bench-{Guid.NewGuid():N}"[..19];
            await clients[0].CreateAsync(parent, [], CreateMode.Persistent, cancellationToken: cancellationToken);
            log.WriteLine($"# connected {clients.Count} client(s), parent {parent}");
            try
            {
                if (settings.Warmup > 0)
                {
                    foreach (var phase in AllPhases)
                    {
                        var warm = await RunPhaseAsync(clients, phase, $"{parent}/w", settings.Warmup, cancellationToken);
                        log.WriteLine($"# warm-up {Report.Line(warm)}");
                    }
                }

                var results = new List<PhaseResult>();
                foreach (var phase in settings.Phases)
                {
                    var result = await RunPhaseAsync(clients, phase, $"{parent}/n", settings.Ops, cancellationToken);
                    if (result.FirstError is { } error) log.WriteLine($"# {phase}: first error: {error}");
                    results.Add(result);
                }

                return results;
            }
            finally
            {
                await CleanUpAsync(clients[0], parent);
            }
        }
        finally
        {
            foreach (var client in clients) await client.CloseAsync();
        }
    }

    private Task<PhaseResult> RunPhaseAsync(
        List<CoordClient> clients, string phase, string prefix, int ops, CancellationToken cancellationToken)
    {
        var data = new byte[settings.Size];
        Random.Shared.NextBytes(data);
        Func<CoordClient, string, Task> operation = phase switch
        {
            "create" => (c, p) => c.CreateAsync(p, data, CreateMode.Persistent, cancellationToken: cancellationToken),
            "set" => (c, p) => c.SetDataAsync(p, data, -1, cancellationToken),
            "get" => (c, p) => c.GetDataAsync(p, cancellationToken),
            "exists" => async (c, p) => { if (await c.ExistsAsync(p, cancellationToken) is null) throw CoordException.NoNode(p); },
            "delete" => (c, p) => c.DeleteAsync(p, -1, cancellationToken),
            _ => throw new ArgumentException($"unknown phase '{phase}'", nameof(phase)),
        };
        return PhaseRunner.RunAsync(phase, ops, settings.Concurrency,
            (worker, index) => operation(clients[worker % clients.Count], $"{prefix}{index:D7}"), cancellationToken);
    }

    private async Task CleanUpAsync(CoordClient client, string parent)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var children = (await client.GetChildrenAsync(parent, timeout.Token)).Children;
            if (children.Length > 0)
            {
                log.WriteLine($"# cleaning up {children.Length} leftover znode(s)");
                await PhaseRunner.RunAsync("cleanup", children.Length, settings.Concurrency,
                    (_, i) => client.DeleteAsync($"{parent}/{children[i]}", -1, timeout.Token), timeout.Token);
            }

            await client.DeleteAsync(parent, -1, timeout.Token);
        }
        catch (Exception exception)
        {
            log.WriteLine($"# clean-up of {parent} failed: {exception.Message}");
        }
    }
}
