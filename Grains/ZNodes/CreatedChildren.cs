namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// Records of children this parent created and that have not been activated since: the first activation of
/// such a child takes its record from here instead of reading storage. Only the child writes its own record,
/// and it must take its entry (or ask the parent) before its first write, so an entry is exact until it is taken.
/// </summary>
/// <remarks>
/// Bounded (oldest dropped first); a child whose entry was dropped simply reads storage. Thread-safe: children
/// activating on the parent's silo take their entries directly (<see cref="LocalHandoffs"/>), outside the
/// parent's turns.
/// </remarks>
internal sealed class CreatedChildren
{
    private const int MaxEntries = 50_000;
    private const long MaxBytes = 32L * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (ZNodeRecord Record, string Token)> _entries = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private long _bytes;

    public void Add(string name, ZNodeRecord record, string token)
    {
        lock (_lock)
        {
            TakeLocked(name);
            _entries[name] = (record, token);
            _order.Enqueue(name);
            _bytes += record.Data.Length;
            while (_entries.Count > MaxEntries || _bytes > MaxBytes)
            {
                TakeLocked(_order.Dequeue());
            }

            // Names taken earlier stay queued; compact when they dominate.
            if (_order.Count > 2 * MaxEntries) Compact();
        }
    }

    public (ZNodeRecord Record, string Token)? Take(string name)
    {
        lock (_lock)
        {
            return TakeLocked(name);
        }
    }

    /// <summary>Drops every entry: the children read storage themselves (after a storage failure, or when the parent
    /// no longer knows that its list is the committed one).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            _order.Clear();
            _bytes = 0;
        }
    }

    private (ZNodeRecord Record, string Token)? TakeLocked(string name)
    {
        if (!_entries.Remove(name, out var entry)) return null;
        _bytes -= entry.Record.Data.Length;
        return entry;
    }

    private void Compact()
    {
        var live = _order.Where(_entries.ContainsKey).Distinct().ToList();
        _order.Clear();
        foreach (var name in live) _order.Enqueue(name);
    }
}
