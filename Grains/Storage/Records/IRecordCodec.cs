namespace OrleansCoord.Grains.Storage.Records;

/// <summary>
/// The stored bytes of one kind of record. Each kind keeps the format it has always had (znodes: BinaryWriter fields;
/// sessions: five packed bytes; leases: the Orleans serializer; recipe records: JSON with <c>$commits</c>), so records
/// that grids already hold read unchanged (docs/adr/001-tree-store.md).
/// </summary>
internal interface IRecordCodec<T>
{
    byte[] Encode(T value);

    T Decode(byte[] bytes);
}
