namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// Noticing a store that went back in time. Revisions of one znode only increase (docs/adr/002-revisions.md), and a
/// re-created znode has a higher czxid than the one before it, so a record read back that is older than one this
/// activation saw committed — a lower czxid, or the same czxid with a lower revision (and so a lower version,
/// cversion or sequence counter) — means the store lost committed writes.
/// </summary>
internal sealed partial class ZNodeGrain
{
    /// <summary>
    /// Checks <paramref name="record"/>, just loaded or committed, against the newest state seen; throws DataInconsistency
    /// (and makes the silo refuse every znode request) when it is older.
    /// </summary>
    private void Witness(ZNodeRecord record)
    {
        if (_newestSeen is { } newest && IsOlder(record, newest))
        {
            ForgetCommitted();
            throw regression.Report(_path,
                $"read back at czxid {record.Czxid}, revision {record.Revision}, version {record.Version}, next sequence {record.NextSequence}, " +
                $"after czxid {newest.Czxid}, revision {newest.Revision}, version {newest.Version}, next sequence {newest.NextSequence} was committed");
        }

        _newestSeen = record;
    }

    private static bool IsOlder(ZNodeRecord record, ZNodeRecord newest) =>
        record.Czxid < newest.Czxid || (record.Czxid == newest.Czxid && record.Revision < newest.Revision);
}
