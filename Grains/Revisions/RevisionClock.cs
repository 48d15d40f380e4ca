namespace OrleansCoord.Grains.Revisions;

/// <summary>
/// Hands out write revisions: a hybrid logical clock in microseconds since the Unix epoch. Each revision is
/// above the clock's last one and above the floor the caller gives (the revisions the write must follow),
/// so revisions increase per znode and per session even across silos with skewed clocks
/// (docs/adr/002-revisions.md).
/// </summary>
public sealed class RevisionClock(TimeProvider time)
{
    private long _last;

    public RevisionClock() : this(TimeProvider.System)
    {
    }

    /// <summary>A new revision greater than <paramref name="floor"/> and than every revision handed out before.</summary>
    public long Next(long floor = 0)
    {
        var now = time.GetUtcNow().UtcTicks / 10 - DateTimeOffset.UnixEpoch.UtcTicks / 10;
        while (true)
        {
            var last = Volatile.Read(ref _last);
            var next = Math.Max(now, Math.Max(last, floor) + 1);
            if (Interlocked.CompareExchange(ref _last, next, last) == last) return next;
        }
    }

    /// <summary>Moves the clock past a revision seen elsewhere.</summary>
    public void Observe(long revision)
    {
        while (true)
        {
            var last = Volatile.Read(ref _last);
            if (revision <= last || Interlocked.CompareExchange(ref _last, revision, last) == last) return;
        }
    }
}
