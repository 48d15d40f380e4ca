using System.Diagnostics;
using OrleansCoord.Client;

namespace OrleansCoord.Bench;

/// <summary>
/// The phases of <c>bench recipes</c>, each through the SDK's recipe handles of one client session. The same phases,
/// with the same definitions, are in bench/zookeeper/kazoo_recipes.py for ZooKeeper.
/// <list type="bullet">
/// <item><c>lock-free</c>: each worker its own lock; an op is one uncontended acquire + release pair.</item>
/// <item><c>lock-handoff</c>: all workers on one lock, each as its own holder, acquire then release at once; ops/s is
/// hand-offs/s, and the latency of an op is the hand-off: from the moment the previous holder starts its release
/// to the moment this worker's acquire returns (no sample for the first grant of the phase).</item>
/// <item><c>queue-put</c>: put one message of <c>size</c> bytes into one shared queue.</item>
/// <item><c>queue-take</c>: take one message from that queue and ack it (take + ack is one op).</item>
/// <item><c>counter-add</c>: add 1 to one shared counter.</item>
/// </list>
/// Worker <c>w</c> uses session <c>clients[w % clients.Count]</c>.
/// </summary>
public sealed class RecipeWorkloads(IReadOnlyList<CoordClient> clients, int size, string run)
{
    public static readonly string[] AllPhases = ["lock-free", "lock-handoff", "queue-put", "queue-take", "counter-add"];

    // Long enough that no op of a loaded machine fails on it; a failed wait counts as an error, not as a latency.
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(2);

    private readonly byte[] _message = RandomBytes(size);
    private long _releaseStartedAt;

    public Task<PhaseResult> RunAsync(string phase, int ops, int concurrency, CancellationToken cancellationToken) => phase switch
    {
        "lock-free" => PhaseRunner.RunAsync(phase, ops, concurrency, async (worker, _) =>
        {
            var held = await Session(worker).Locks.AcquireAsync($"bench-{run}-free-{worker}", Wait, holder: $"w{worker}", cancellationToken);
            await held.ReleaseAsync();
        }, cancellationToken),
        "lock-handoff" => HandOffAsync(phase, ops, concurrency, cancellationToken),
        "queue-put" => PhaseRunner.RunAsync(phase, ops, concurrency, async (worker, _) =>
            await Session(worker).Queues.PutAsync($"bench-{run}-queue", _message, cancellationToken: cancellationToken), cancellationToken),
        "queue-take" => PhaseRunner.RunAsync(phase, ops, concurrency, async (worker, _) =>
        {
            var client = Session(worker);
            var item = await client.Queues.TakeAsync($"bench-{run}-queue", Wait, cancellationToken: cancellationToken)
                ?? throw new TimeoutException("no message within the wait");
            await client.Queues.AckAsync($"bench-{run}-queue", item.Receipt, cancellationToken);
        }, cancellationToken),
        "counter-add" => PhaseRunner.RunAsync(phase, ops, concurrency, async (worker, _) =>
            await Session(worker).Counters.AddAsync($"bench-{run}-counter", 1, cancellationToken), cancellationToken),
        _ => throw new ArgumentException($"unknown phase {phase}", nameof(phase)),
    };

    private Task<PhaseResult> HandOffAsync(string phase, int ops, int concurrency, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _releaseStartedAt, 0);
        return PhaseRunner.RunMeasuredAsync(phase, ops, concurrency, async (worker, _) =>
        {
            var held = await Session(worker).Locks.AcquireAsync($"bench-{run}-handoff", Wait, holder: $"w{worker}", cancellationToken);
            var granted = Stopwatch.GetTimestamp();
            // Only the holder writes it, just before releasing, so the value read here is the previous holder's.
            var releaseStartedAt = Interlocked.Exchange(ref _releaseStartedAt, Stopwatch.GetTimestamp());
            await held.ReleaseAsync();
            return releaseStartedAt == 0 ? null : Stopwatch.GetElapsedTime(releaseStartedAt, granted);
        }, cancellationToken);
    }

    private CoordClient Session(int worker) => clients[worker % clients.Count];

    private static byte[] RandomBytes(int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
