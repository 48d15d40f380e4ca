using Orleans.Serialization;
using OrleansCoord.Grains.Storage.Records;

namespace OrleansCoord.Grains.Recipes;

/// <summary>A lease record's stored bytes: the Orleans serializer's (the record's <c>[Id]</c>s and alias keep them
/// readable across versions).</summary>
internal sealed class LeaseRecordCodec(Serializer serializer) : IRecordCodec<LeaseRecord>
{
    public byte[] Encode(LeaseRecord value) => serializer.SerializeToArray(value);

    public LeaseRecord Decode(byte[] bytes) => serializer.Deserialize<LeaseRecord>(bytes) ?? LeaseRecord.Empty;
}
