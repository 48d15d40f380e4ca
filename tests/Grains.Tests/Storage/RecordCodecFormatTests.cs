using System.Text;
using OrleansCoord.Grains.Recipes.Records;
using OrleansCoord.Grains.Sessions;

namespace OrleansCoord.Grains.Tests.Storage;

/// <summary>The stored bytes that grids already hold stay readable and are written as before (docs/adr/001-tree-store.md).
/// Znode records: <see cref="ZNodeRecordCodecTests"/>.</summary>
public sealed class RecordCodecFormatTests
{
    [Fact]
    public void SessionRecord_IsAClosingByteThenTheTimeoutLittleEndian()
    {
        Assert.Equal([0, 0x30, 0x75, 0, 0], SessionRecordCodec.Instance.Encode(new SessionRecord(false, 30_000)));
        Assert.Equal(new SessionRecord(true, 2_000), SessionRecordCodec.Instance.Decode([1, 0xD0, 0x07, 0, 0]));
    }

    [Fact]
    public void RecipeRecord_IsJsonWithItsCommitCount_AndReadsRecordsFromBeforeTheCount()
    {
        var codec = RecipeRecordCodec<SampleState>.Instance;
        Assert.Equal("""{"Value":5,"$commits":3}""", Encoding.UTF8.GetString(codec.Encode(new CountedState<SampleState>(new SampleState(5), 3))));
        Assert.Equal(new CountedState<SampleState>(new SampleState(7), 0), codec.Decode("""{"Value":7}"""u8.ToArray()));
    }

    internal sealed record SampleState(long Value);
}
