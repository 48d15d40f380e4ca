namespace OrleansCoord.SessionLayer;

/// <summary>
/// The highest revision (zxid) a session has seen. Reads pass it along as their minimum and writes get higher ones,
/// so a session never goes back in time (docs/GUARANTEES.md); the SDK's <c>CoordClient</c> and a ZooKeeper
/// connection keep theirs here alike.
/// </summary>
/// <param name="initial">Where it starts: 0 for a new session, the client's last zxid for a resumed ZooKeeper one.</param>
public sealed class RevisionTracker(long initial = 0)
{
    private long _last = Math.Max(0, initial);

    /// <summary>The highest revision observed so far.</summary>
    public long Last => Interlocked.Read(ref _last);

    /// <summary>Raises <see cref="Last"/> to <paramref name="revision"/> if that is higher; never lowers it, also
    /// when requests of one session answer out of order.</summary>
    public void Observe(long revision)
    {
        var seen = Interlocked.Read(ref _last);
        while (revision > seen)
        {
            var previous = Interlocked.CompareExchange(ref _last, revision, seen);
            if (previous == seen) return;
            seen = previous;
        }
    }
}
