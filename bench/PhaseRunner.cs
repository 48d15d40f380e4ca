using System.Diagnostics;
using HdrHistogram;

namespace OrleansCoord.Bench;

/// <summary>The outcome of one phase: throughput and latency (microseconds) of its successful operations.</summary>
public sealed record PhaseResult(
    string Phase, int Ops, int Errors, double Seconds, double OpsPerSecond,
    double P50Ms, double P99Ms, double MaxMs, string? FirstError);

/// <summary>
/// Runs <c>ops</c> operations with a fixed number of async workers that pull the next index from a
/// shared counter, so exactly <c>concurrency</c> requests are outstanding until the counter runs out.
/// </summary>
public static class PhaseRunner
{
    private const long HighestTrackableMicros = 120_000_000; // two minutes

    /// <summary>Each operation's latency is its own duration, from issue to completion.</summary>
    public static Task<PhaseResult> RunAsync(
        string phase, int ops, int concurrency, Func<int, int, Task> operation, CancellationToken cancellationToken) =>
        RunMeasuredAsync(phase, ops, concurrency, async (worker, index) =>
        {
            var start = Stopwatch.GetTimestamp();
            await operation(worker, index);
            return Stopwatch.GetElapsedTime(start);
        }, cancellationToken);

    /// <summary>
    /// The operation measures its latency itself (e.g. a lock hand-off, which starts in another worker) and
    /// returns it, or null when it has no sample (the first grant of a hand-off chain); it still counts as done.
    /// </summary>
    public static async Task<PhaseResult> RunMeasuredAsync(
        string phase, int ops, int concurrency, Func<int, int, Task<TimeSpan?>> operation, CancellationToken cancellationToken)
    {
        var next = -1;
        var workers = Math.Max(1, Math.Min(concurrency, ops));
        var histograms = new LongHistogram[workers];
        var errors = new int[workers];
        var done = new int[workers];
        string? firstError = null;

        async Task Worker(int worker)
        {
            var histogram = histograms[worker] = new LongHistogram(HighestTrackableMicros, 3);
            await Task.Yield();
            int index;
            while ((index = Interlocked.Increment(ref next)) < ops)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    var latency = await operation(worker, index);
                    done[worker]++;
                    if (latency is { } sample)
                        histogram.RecordValue(Math.Clamp((long)sample.TotalMicroseconds, 1, HighestTrackableMicros));
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    errors[worker]++;
                    Interlocked.CompareExchange(ref firstError, $"{exception.GetType().Name}: {exception.Message}", null);
                }
            }
        }

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(Worker));
        clock.Stop();

        var total = new LongHistogram(HighestTrackableMicros, 3);
        foreach (var histogram in histograms) total.Add(histogram);

        var errorCount = errors.Sum();
        var seconds = clock.Elapsed.TotalSeconds;
        var ok = done.Sum();
        return new PhaseResult(
            phase, ops, errorCount, seconds, seconds > 0 ? ok / seconds : 0,
            Millis(total, 50), Millis(total, 99), total.TotalCount == 0 ? 0 : total.GetMaxValue() / 1000.0, firstError);
    }

    private static double Millis(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(percentile) / 1000.0;
}
