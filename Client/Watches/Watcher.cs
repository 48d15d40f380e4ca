using OrleansCoord.Watches;
using OrleansCoord.SessionLayer;

namespace OrleansCoord.Client;

/// <summary>
/// One registered watcher: its path, kind and callback. A one-shot watcher fires once, for the first matching
/// event newer than what its read returned; a persistent one hears the events newer than the znode it read when
/// it began. Events that come before that read has answered are held back and judged once it has (so a change
/// made between the read and its answer is not missed, and one from before the watch is not reported).
/// A recursive watcher reads its root the same way; below the root it has no read to go by, so it may also hear a
/// change made just before it was set (never miss one made after).
/// </summary>
internal sealed class Watcher(string path, WatchKind kind, Action<WatchEvent> callback)
{
    private readonly object _gate = new();
    private List<WatchEvent>? _early = [];
    private long _baseline = long.MinValue;
    private readonly EventOrder _order = new();
    private readonly Dictionary<string, EventOrder> _subtreeOrder = new(StringComparer.Ordinal);
    private bool _finished;

    public string Path { get; } = path;

    public WatchKind Kind { get; } = kind;

    public bool OneShot => Kind.IsOneShot();

    /// <summary>Called when the watcher is taken away (removed, fired, or its session ended).</summary>
    public Action? Finished { get; init; }

    /// <summary>The watcher's read answered at <paramref name="revision"/>: judge what came meanwhile. True when a
    /// one-shot watcher fired on it.</summary>
    public bool SetBaseline(long revision)
    {
        List<WatchEvent> early;
        lock (_gate)
        {
            _baseline = revision;
            early = _early ?? [];
            _early = null;
        }

        foreach (var change in early)
        {
            if (Offer(change)) return true;
        }

        return false;
    }

    /// <summary>Hands a znode event to the watcher; true when a one-shot watcher fired and is done.</summary>
    public bool Offer(WatchEvent change)
    {
        lock (_gate)
        {
            if (_finished || !Kind.FiresOn(change.Type)) return false;
            if (_early is not null)
            {
                _early.Add(change);
                return false;
            }

            if ((change.Path == Path && change.Revision <= _baseline) || !OrderOf(change).Admit(change)) return false;
            if (OneShot) _finished = true;
        }

        callback(change);
        if (OneShot) Finished?.Invoke();
        return OneShot;
    }

    /// <summary>The order of the event's znode: a recursive watcher keeps one per znode of its subtree (order is per
    /// znode: those of different znodes travel on different streams), forgotten when the znode is deleted.</summary>
    private EventOrder OrderOf(WatchEvent change)
    {
        if (Kind != WatchKind.PersistentRecursive) return _order;
        if (!_subtreeOrder.TryGetValue(change.Path, out var order)) _subtreeOrder[change.Path] = order = new EventOrder();
        if (change.Type == WatchEventType.NodeDeleted) _subtreeOrder.Remove(change.Path);
        return order;
    }

    /// <summary>A session event: every watcher hears it, and it uses none of them up (as in ZooKeeper).</summary>
    public void Notify(WatchEvent sessionEvent)
    {
        lock (_gate)
        {
            if (_finished) return;
        }

        callback(sessionEvent);
    }

    /// <summary>Takes the watcher away; it hears <paramref name="farewell"/> (when given) and nothing after.</summary>
    public void Finish(WatchEvent? farewell)
    {
        lock (_gate)
        {
            if (_finished) return;
            _finished = true;
        }

        if (farewell is not null) callback(farewell);
        Finished?.Invoke();
    }
}
