using Azure;
using Azure.Data.Tables;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Storage.AzureStorage;

/// <summary>Turns record writes into table transaction actions (a record may take two entities).</summary>
internal static class TableActions
{
    public sealed record Action(RecordWrite Write, TableTransactionAction Value, bool IsMain)
    {
        public string Key => Write.Key;
    }

    public static List<Action> For(string partition, IReadOnlyList<RecordWrite> writes)
    {
        var actions = new List<Action>(writes.Count + 2);
        foreach (var write in writes)
        {
            var value = write.Value ?? [];
            var hadOverflow = TableRecordCodec.HasOverflow(write.Token);
            var needsOverflow = write.Kind is RecordWriteKind.Insert or RecordWriteKind.Replace && TableRecordCodec.NeedsOverflow(value);
            var etag = write.Token is null ? ETag.All : new ETag(TableRecordCodec.ETagOf(write.Token));
            switch (write.Kind)
            {
                case RecordWriteKind.Insert:
                    actions.Add(Main(write, TableTransactionActionType.Add, TableRecordCodec.MainEntity(partition, write.Key, value), default));
                    break;
                case RecordWriteKind.Replace:
                    // A merge, not a replace: every write sets the length and the chunks it covers, and reads stop at
                    // the length, so chunks left from a longer value are never read. Azurite replaces by removing
                    // and re-inserting the entity, which made replace about half as fast as merge there.
                    actions.Add(Main(write, TableTransactionActionType.UpdateMerge, TableRecordCodec.MainEntity(partition, write.Key, value), etag));
                    break;
                case RecordWriteKind.Delete:
                    actions.Add(Main(write, TableTransactionActionType.Delete, new TableEntity(partition, TableKeyEncoding.Encode(write.Key)), etag));
                    break;
                case RecordWriteKind.Touch:
                    actions.Add(Main(write, TableTransactionActionType.UpdateMerge, new TableEntity(partition, TableKeyEncoding.Encode(write.Key)), ETag.All));
                    break;
            }

            if (needsOverflow)
            {
                actions.Add(new Action(write, new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                    TableRecordCodec.OverflowEntity(partition, write.Key, value)), false));
            }
            else if (hadOverflow && write.Kind is RecordWriteKind.Replace or RecordWriteKind.Delete)
            {
                actions.Add(new Action(write, new TableTransactionAction(TableTransactionActionType.Delete,
                    new TableEntity(partition, TableKeyEncoding.Encode(TableRecordCodec.OverflowKey(write.Key))), ETag.All), false));
            }
        }

        return actions;
    }

    private static Action Main(RecordWrite write, TableTransactionActionType type, TableEntity entity, ETag etag) =>
        new(write, new TableTransactionAction(type, entity, etag), true);
}
