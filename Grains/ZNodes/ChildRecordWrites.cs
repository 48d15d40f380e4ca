using OrleansCoord.Grains.Storage;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// The records that come and go with a znode besides its own: the ephemeral index row and the session
/// fence check, and the TTL and container index rows the sweeper reads.
/// </summary>
internal static class ChildRecordWrites
{
    public static IEnumerable<RecordWrite> IndexInserts(string path, ZNodeRecord record)
    {
        if (record.EphemeralOwner != 0)
        {
            yield return RecordWrite.Insert(TreeKeys.EphemeralIndex(record.EphemeralOwner, path), []);
            yield return RecordWrite.Touch(TreeKeys.SessionFence(record.EphemeralOwner));
        }

        if (record.Mode.IsTtl()) yield return RecordWrite.Insert(TreeKeys.TtlIndex(path), []);
        if (record.Mode.IsContainer()) yield return RecordWrite.Insert(TreeKeys.ContainerIndex(path), []);
    }

    public static IEnumerable<RecordWrite> IndexDeletes(string path, ZNodeRecord record)
    {
        if (record.EphemeralOwner != 0) yield return RecordWrite.Delete(TreeKeys.EphemeralIndex(record.EphemeralOwner, path), "*");
        if (record.Mode.IsTtl()) yield return RecordWrite.Delete(TreeKeys.TtlIndex(path), "*");
        if (record.Mode.IsContainer()) yield return RecordWrite.Delete(TreeKeys.ContainerIndex(path), "*");
    }

    /// <summary>Writes of a child created by its parent outside a transaction: its record and index rows.</summary>
    public static IEnumerable<RecordWrite> ForCreate(string path, ZNodeRecord record) =>
        IndexInserts(path, record).Prepend(RecordWrite.Insert(TreeKeys.Node(path), ZNodeRecordCodec.Encode(record)));

    /// <summary>The write of a znode's own record that takes it from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public static RecordWrite? OwnWrite(string key, ZNodeRecord? before, string? token, ZNodeRecord? after, bool force)
    {
        if (before is null) return after is null ? null : RecordWrite.Insert(key, ZNodeRecordCodec.Encode(after));
        if (after is null) return RecordWrite.Delete(key, token!);
        return ReferenceEquals(before, after) && !force ? null : RecordWrite.Replace(key, ZNodeRecordCodec.Encode(after), token!);
    }
}
