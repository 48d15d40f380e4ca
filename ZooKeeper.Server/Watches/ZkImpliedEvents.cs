using OrleansCoord.Watches;

namespace OrleansCoord.ZooKeeper.Server.Watches;

/// <summary>
/// Events a connection already notified ahead of the streams (a reply implied them) while persistent watches of the
/// connection also match them. The client hands one notification to every watcher it holds for that path and type
/// (the Java client's watch manager does), so the stream's copy must not be notified again: ZooKeeper sends one
/// notification per event and connection. Owned by the writer loop, like <see cref="ZkWatchRegistry"/>.
/// </summary>
internal sealed class ZkImpliedEvents
{
    /// <summary>More than this many unmatched entries means stream copies went missing; forgetting them only risks a duplicate.</summary>
    private const int Limit = 1024;

    private readonly Dictionary<(string Path, WatchEventType Type), long> _notified = [];

    /// <summary>Remembers that <paramref name="change"/> was notified from a reply.</summary>
    public void Notified(WatchEvent change)
    {
        if (_notified.Count >= Limit) _notified.Clear();
        var key = (change.Path, change.Type);
        _notified[key] = Math.Max(change.Revision, _notified.GetValueOrDefault(key));
    }

    /// <summary>
    /// True when the stream's <paramref name="change"/> was already notified (its revision is not above the implied
    /// one: a reply that showed a later revision covered it too). A newer change ends the entry.
    /// </summary>
    public bool AlreadyNotified(WatchEvent change)
    {
        var key = (change.Path, change.Type);
        if (!_notified.TryGetValue(key, out var revision)) return false;
        if (change.Revision <= revision) return true;
        _notified.Remove(key);
        return false;
    }
}
