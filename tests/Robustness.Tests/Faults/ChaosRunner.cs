using System.Diagnostics;
using System.Text;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Robustness.Tests.Cluster;
using OrleansCoord.Robustness.Tests.Linearizability;
using OrleansCoord.Robustness.Tests.Recipes;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>
/// One fault run: three silos (in-process, or processes for <see cref="FaultKind.ProcessKill"/>) on an Azurite of the run's own, eight clients of traffic, a session left to expire,
/// the fault (once, or again and again for a soak), then the checks: linearizable registers, no acknowledged
/// write lost, no sequential number twice, per-client revision order, the dead session's ephemerals gone within
/// 2 × timeout + 15 s (ADR 004: the grace of an activation that hears no heartbeat), a final write that succeeds, and the lock and queue checks (<see cref="RecipeRun"/>).
/// </summary>
public static class ChaosRunner
{
    private const int SetupClient = -1;
    private const int CheckerClient = 1000;

    public static async Task<ChaosReport> RunAsync(ChaosSettings settings, Action<string> output)
    {
        output($"chaos: {settings}");
        var random = new Random(settings.Seed);
        var log = new ChaosLog();
        var violations = new List<string>();
        await using var azurite = await AzuriteProcess.StartNewAsync();
        IChaosGrid cluster = settings.Fault switch
        {
            FaultKind.ProcessKill => await SiloProcessGrid.StartAsync(azurite, 3),
            FaultKind.EmbeddedAzuriteProcessKill => await SiloProcessGrid.StartWithEmbeddedAzuriteAsync(),
            FaultKind.PostgresPowerLoss => await SiloProcessGrid.StartOnPostgresAsync(3),
            _ => await TestClusterGrid.StartAsync(azurite),
        };
        var layout = new ChaosLayout($"/chaos-{settings.Seed}", settings.SharedKeys, settings.Clients);
        var context = new ChaosContext(cluster, azurite, layout, random, log);
        var clients = new List<CoordClient>();
        using var stop = new CancellationTokenSource();
        var workload = new List<Task>();
        try
        {
            var checker = await cluster.ConnectAsync();
            clients.Add(checker);
            await SetUpAsync(checker, layout, log);

            var doomed = await cluster.ConnectAsync(settings.DoomedSessionTimeout);
            context.DoomedSession = doomed.SessionId;
            await doomed.CreateAsync(layout.Ephemerals + "/e", mode: CreateMode.Ephemeral);
            await doomed.CreateAsync(layout.Ephemerals + "/q-", mode: CreateMode.EphemeralSequential);

            for (var i = 0; i < settings.Clients; i++)
            {
                var session = await cluster.ConnectAsync();
                clients.Add(session);
                var worker = new WorkloadClient(i, session, layout, log, unchecked(settings.Seed * 31 + i));
                var index = i;
                workload.Add(Task.Run(async () =>
                {
                    try { await worker.RunAsync(stop.Token); }
                    catch (Exception exception) { lock (violations) violations.Add($"client {index} failed with an untyped error: {exception}"); }
                }));
            }

            await Task.Delay(settings.Warmup);
            await doomed.AbandonAsync();
            log.Note($"session 0x{doomed.SessionId:x16} abandoned");
            // Timeout + 15 s, plus the grace an activation that hears no heartbeat gives (one timeout here; ADR 004).
            var expiryBound = settings.DoomedSessionTimeout * 2 + TimeSpan.FromSeconds(15);
            // Watched past the bound, so that a late expiry says how late it was.
            var expiry = TimeUntilGoneAsync(checker, layout.Ephemerals, expiryBound + TimeSpan.FromSeconds(75));

            var soakEnd = DateTime.UtcNow + (settings.SoakFor ?? TimeSpan.Zero);
            var faults = 0;
            do
            {
                var next = DateTime.UtcNow + settings.FaultEvery;
                await Faults.Of(settings.Fault).RunAsync(context);
                context.FaultsSoFar = ++faults;
                if (settings.SoakFor is not null && DateTime.UtcNow < soakEnd) await DelayUntil(Min(next, soakEnd));
            }
            while (DateTime.UtcNow < soakEnd);

            await Task.Delay(settings.Cooldown);
            await stop.CancelAsync();
            await Task.WhenAll(workload);
            log.Note("traffic stopped");

            var gone = await expiry;
            if (gone is { } after) log.Note($"the abandoned session's ephemerals were gone {after.TotalSeconds:0.0} s after it was abandoned");
            // A grid of one silo expires nothing while that silo is down: its downtime does not count.
            var allowed = expiryBound + context.GridDowntime;
            if (gone is null || gone > allowed)
                violations.Add($"ephemerals of the abandoned session still there {allowed.TotalSeconds:0} s after it was abandoned (gone after {(gone is { } late ? $"{late.TotalSeconds:0.0} s" : "more than a minute")}; the grid was down {context.GridDowntime.TotalSeconds:0.0} s)");

            var finalData = await FinalReadsAsync(checker, layout, log);
            var children = (await Retry(() => checker.GetChildrenAsync(layout.Sequential))).Children;
            if (!await FinalWriteAsync(checker, layout)) violations.Add("no write succeeded after the fault healed (tried for 30 s)");
            if (!await RecipeRun.DrainAsync(checker, CheckerClient, layout.RecipeName, log.Recipes, TimeSpan.FromSeconds(60)))
                violations.Add("the queue was not empty after draining it for 60 s");

            var history = log.History.Operations;
            violations.AddRange(ChaosChecks.Linearizable(history));
            violations.AddRange(ChaosChecks.Sequential(log.SequentialCreates, children));
            violations.AddRange(ChaosChecks.PerClientOrder(log.Revisions));
            violations.AddRange(ChaosChecks.OwnWritesKept(history, finalData, layout));
            violations.AddRange(RecipeRun.Check(log.Recipes));

            var summary = Summarize(history, log, faults, children.Length);
            string? path = null;
            if (violations.Count > 0 || Environment.GetEnvironmentVariable("COORD_CHAOS_KEEP") is not null)
            {
                path = Path.Combine(Path.GetTempPath(), $"coord-chaos-{settings.Fault}-{settings.Seed}.jsonl");
                await HistoryJson.WriteAsync(path, history);
            }

            var report = new ChaosReport(settings, faults, violations, summary, path);
            output(report.ToString());
            return report;
        }
        finally
        {
            // Also when the run broke off: no client may go on talking to a cluster that is being stopped.
            await stop.CancelAsync();
            await Task.WhenAll(workload);
            foreach (var client in clients)
            {
                try { await client.CloseAsync(); }
                catch (CoordException) { /* The session ends by expiry. */ }
            }

            await cluster.StopAsync();
        }
    }

    private static async Task SetUpAsync(CoordClient client, ChaosLayout layout, ChaosLog log)
    {
        foreach (var path in new[] { layout.Root, layout.Registers, layout.Sequential, layout.Ephemerals, layout.Final })
        {
            await client.CreateAsync(path);
        }

        foreach (var key in layout.AllRegisterKeys)
        {
            var output = await log.History.RecordAsync(SetupClient, key, RegisterOp.Create, new OpInput("init"), async () =>
            {
                await client.CreateAsync(key, Encoding.UTF8.GetBytes("init"));
                return new OpOutput(CoordErrorCode.Ok);
            });
            if (output.Code != CoordErrorCode.Ok) throw new InvalidOperationException($"setup create of {key} failed: {output.Code}");
        }
    }

    /// <summary>How long until <paramref name="parent"/> has no children, watched from now while the run goes on;
    /// null when they are still there after <paramref name="limit"/>.</summary>
    private static async Task<TimeSpan?> TimeUntilGoneAsync(CoordClient client, string parent, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        var gone = await Poll.HoldsWithinAsync(async () =>
        {
            try
            {
                // Each look is bounded: a read that lost its gateway to a kill is retried by the SDK for up to its
                // request timeout (30 s), and waiting for it would time the checker, not the grid's expiry.
                return (await client.GetChildrenAsync(parent).WaitAsync(TimeSpan.FromSeconds(2))).Children.Length == 0;
            }
            catch (TimeoutException)
            {
                return false;
            }
            catch (CoordException exception) when (HistoryRecorder.IsOutcomeUnknown(exception.Code))
            {
                return false;
            }
        }, limit);
        return gone ? watch.Elapsed : null;
    }

    private static async Task<Dictionary<string, string?>> FinalReadsAsync(CoordClient client, ChaosLayout layout, ChaosLog log)
    {
        var data = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var key in layout.AllRegisterKeys)
        {
            await Retry(async () => { await client.SyncAsync(key); return 0; });
            var output = OpOutput.Unknown;
            for (var attempt = 0; attempt < 20 && output.IsUnknown; attempt++)
            {
                // A read that got no answer is dropped by the checker; ask again.
                output = await log.History.RecordAsync(CheckerClient, key, RegisterOp.Get, new OpInput(), async () =>
                {
                    var read = await client.GetDataAsync(key);
                    return new OpOutput(CoordErrorCode.Ok, Encoding.UTF8.GetString(read.Data), read.Stat.Version, read.Stat.Mzxid);
                });
            }

            data[key] = output.Data;
        }

        return data;
    }

    private static async Task<bool> FinalWriteAsync(CoordClient client, ChaosLayout layout)
    {
        return await Poll.HoldsWithinAsync(async () =>
        {
            try
            {
                await client.SetDataAsync(layout.Final, Encoding.UTF8.GetBytes("done"));
                return true;
            }
            catch (CoordException exception) when (HistoryRecorder.IsOutcomeUnknown(exception.Code))
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
    }

    /// <summary>A read the checks need: asked again while the grid answers ConnectionLoss/OperationTimeout (bounded).</summary>
    private static async Task<T> Retry<T>(Func<Task<T>> read)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await read();
            }
            catch (CoordException exception) when (HistoryRecorder.IsOutcomeUnknown(exception.Code) && attempt < 20)
            {
                await Task.Delay(500);
            }
        }
    }

    private static List<string> Summarize(IReadOnlyList<Operation> history, ChaosLog log, int faults, int sequentialChildren)
    {
        var byOutcome = history.GroupBy(op => op.Output.Code?.ToString() ?? "unknown").OrderBy(g => g.Key)
            .Select(g => $"{g.Key} {g.Count()}");
        var sequential = log.SequentialCreates.ToList();
        return
        [
            $"faults injected: {faults}",
            $"register ops: {history.Count} ({string.Join(", ", byOutcome)}) on {history.Select(op => op.Key).Distinct().Count()} keys",
            $"sequential creates: {sequential.Count(c => c.Name is not null)} acknowledged, {sequential.Count(c => c.Name is null)} unknown, {sequentialChildren} present",
            .. RecipeRun.Summarize(log.Recipes),
            .. log.Events,
        ];
    }

    private static Task DelayUntil(DateTime moment)
    {
        var wait = moment - DateTime.UtcNow;
        return wait > TimeSpan.Zero ? Task.Delay(wait) : Task.CompletedTask;
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
