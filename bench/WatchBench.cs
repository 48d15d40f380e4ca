using System.Diagnostics;
using HdrHistogram;
using OrleansCoord.Client;
using OrleansCoord.Watches;

namespace OrleansCoord.Bench;

/// <summary>
/// Set-to-notification latency: persistent watchers on one znode, spread over several clients (sessions); a
/// writer sets the znode, waits until every watcher heard of it (or a second passed), and sets it again. Each
/// notification's latency runs from just before the set to the watcher's callback. Same workload and table as
/// bench/zookeeper/ZkWatchBench.java: ops = notifications, errors = notifications that did not come in time.
/// </summary>
public sealed class WatchBench(CoordClientOptions clientOptions, int watchers, int sessions, int sets, int warmup, TextWriter log)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

    public async Task<PhaseResult> RunAsync(CancellationToken cancellationToken)
    {
        await using var writer = await CoordClient.ConnectAsync(clientOptions, cancellationToken);
        var path = await writer.CreateAsync($"/bench-watch-{Guid.NewGuid():N}", new byte[16], cancellationToken: cancellationToken);
        var clients = new List<CoordClient>();
        var watches = new List<ZNodeWatch>();
        var histogram = new LongHistogram(60_000_000, 3);
        var acks = new LongHistogram(60_000_000, 3);
        long setStarted = 0;
        var pending = 0;
        var allHeard = new SemaphoreSlim(0);
        var recording = false;
        try
        {
            for (var s = 0; s < sessions; s++) clients.Add(await CoordClient.ConnectAsync(clientOptions, cancellationToken));
            for (var w = 0; w < watchers; w++) watches.Add(await clients[w % sessions].AddWatchAsync(path));
            log.WriteLine($"# {watchers} watchers on {path} over {sessions} sessions");

            var readers = watches.Select(watch => Task.Run(async () =>
            {
                await foreach (var change in watch.ReadAllAsync(cancellationToken))
                {
                    if (change.Type != WatchEventType.NodeDataChanged) continue;
                    var micros = (long)Stopwatch.GetElapsedTime(Interlocked.Read(ref setStarted)).TotalMicroseconds;
                    if (Volatile.Read(ref recording)) lock (histogram) histogram.RecordValue(Math.Max(1, micros));
                    if (Interlocked.Decrement(ref pending) == 0) allHeard.Release();
                }
            }, cancellationToken)).ToList();

            var missed = 0;
            var clock = new Stopwatch();
            for (var i = -warmup; i < sets; i++)
            {
                if (i == 0)
                {
                    Volatile.Write(ref recording, true);
                    clock.Start();
                }

                Volatile.Write(ref pending, watchers);
                Interlocked.Exchange(ref setStarted, Stopwatch.GetTimestamp());
                await writer.SetDataAsync(path, BitConverter.GetBytes(i), cancellationToken: cancellationToken);
                if (i >= 0) acks.RecordValue(Math.Max(1, (long)Stopwatch.GetElapsedTime(Interlocked.Read(ref setStarted)).TotalMicroseconds));
                if (!await allHeard.WaitAsync(Patience, cancellationToken))
                {
                    var late = Interlocked.Exchange(ref pending, int.MinValue / 2);
                    if (i >= 0) missed += Math.Max(0, late);
                    await Task.Delay(Patience, cancellationToken);   // let stragglers drain before the next set
                    while (allHeard.CurrentCount > 0) await allHeard.WaitAsync(cancellationToken);
                }
            }

            clock.Stop();
            // Where the time goes: the writer's own set (its acknowledgement) is part of every notification's latency.
            log.WriteLine($"# watch-{watchers}: set acknowledged after p50 {acks.GetValueAtPercentile(50) / 1000.0:0.000} ms, " +
                $"p99 {acks.GetValueAtPercentile(99) / 1000.0:0.000} ms");
            var heard = (long)sets * watchers - missed;
            return new PhaseResult($"watch-{watchers}", (int)heard, missed, clock.Elapsed.TotalSeconds, heard / clock.Elapsed.TotalSeconds,
                histogram.GetValueAtPercentile(50) / 1000.0, histogram.GetValueAtPercentile(99) / 1000.0, histogram.GetMaxValue() / 1000.0,
                missed > 0 ? $"{missed} notifications later than {Patience.TotalSeconds} s" : null);
        }
        finally
        {
            foreach (var watch in watches) await watch.DisposeAsync();
            foreach (var client in clients) await client.DisposeAsync();
        }
    }
}
