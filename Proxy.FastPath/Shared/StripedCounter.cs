using System.Numerics;

namespace OrleansCoord.Proxy.Observability;

/// <summary>
/// A count that many threads add to without sharing a cache line: one padded cell per stripe, read as the sum
/// (the idea of Java's LongAdder). The fast path's event loops count every request; with one shared cell each
/// add pulled the line from the other core's cache.
/// </summary>
internal sealed class StripedCounter
{
    // 8 longs = 64 bytes: each stripe's cell has a cache line to itself.
    private const int Stride = 8;
    private readonly long[] _cells = new long[Stripes.Count * Stride];

    public void Increment() => Interlocked.Increment(ref _cells[Stripes.Current * Stride]);

    public void Add(long value) => Interlocked.Add(ref _cells[Stripes.Current * Stride], value);

    public long Value
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _cells.Length; i += Stride) sum += Interlocked.Read(ref _cells[i]);
            return sum;
        }
    }
}

/// <summary>Which stripe of a <see cref="StripedCounter"/> the current thread adds to: the fast path's loops claim
/// their own (<see cref="Claim"/>); other threads are given one in turn on first use.</summary>
internal static class Stripes
{
    public static readonly int Count = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount * 2, 4, 64));

    [ThreadStatic] private static int _stripe; // 1-based: 0 is "not given yet"
    private static int _next;

    public static int Current => _stripe != 0 ? _stripe - 1 : Assign();

    /// <summary>The current thread adds to stripe <paramref name="index"/> (modulo the count) from now on.</summary>
    public static void Claim(int index) => _stripe = index % Count + 1;

    private static int Assign()
    {
        _stripe = (Interlocked.Increment(ref _next) & (Count - 1)) + 1;
        return _stripe - 1;
    }
}
