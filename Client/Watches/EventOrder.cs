using OrleansCoord.Watches;

namespace OrleansCoord.Client;

/// <summary>
/// Keeps one znode's events in revision order for one watcher: an event older than one handed on is covered by
/// the newer one, and an event handed on twice (a subscription renewed, a queue taken over) goes once.
/// </summary>
internal sealed class EventOrder
{
    private readonly Dictionary<WatchEventType, long> _lastOfType = [];
    private long _last;

    /// <summary>Whether <paramref name="change"/> is news; if so, it is counted as handed on.</summary>
    public bool Admit(WatchEvent change)
    {
        // A coalesced event (made up by a resync) says nothing new unless it is newer than everything handed on.
        if (change.Revision < _last || (change.Coalesced && change.Revision == _last)) return false;
        if (_lastOfType.TryGetValue(change.Type, out var last) && last >= change.Revision) return false;
        _last = change.Revision;
        _lastOfType[change.Type] = change.Revision;
        return true;
    }
}
