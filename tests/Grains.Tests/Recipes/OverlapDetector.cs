namespace OrleansCoord.Grains.Tests.Recipes;

/// <summary>
/// Counts who is inside a critical section right now, and remembers the most ever inside at once and the fencing
/// tokens in the order the holders entered. An overlap is seen, not inferred from a total.
/// </summary>
internal sealed class OverlapDetector
{
    private readonly object _lock = new();
    private readonly List<long> _tokens = [];
    private int _inside;
    private int _most;

    public int MostInsideAtOnce => Volatile.Read(ref _most);

    public IReadOnlyList<long> Tokens
    {
        get { lock (_lock) return _tokens.ToList(); }
    }

    /// <summary>Enters, stays a moment (so that an intruder would be caught), and leaves.</summary>
    public async Task InsideAsync(long token)
    {
        var now = Interlocked.Increment(ref _inside);
        lock (_lock)
        {
            _tokens.Add(token);
            _most = Math.Max(_most, now);
        }

        await Task.Delay(1);
        await Task.Yield();
        lock (_lock) _most = Math.Max(_most, Volatile.Read(ref _inside));
        Interlocked.Decrement(ref _inside);
    }
}
