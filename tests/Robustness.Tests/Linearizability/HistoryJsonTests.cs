using OrleansCoord.Errors;
using static OrleansCoord.Robustness.Tests.Linearizability.Ops;

namespace OrleansCoord.Robustness.Tests.Linearizability;

public sealed class HistoryJsonTests
{
    [Fact]
    public async Task WriteThenRead_SameHistory_SameVerdict()
    {
        Operation[] history =
        [
            Create(1, "a", 0, 1),
            TimedOut(Set(1, 0, "b", 2, null)),
            Set(2, 0, "c", 3, 4, CoordErrorCode.BadVersion),
            Get(2, "b", 1, 10, 11) with { Output = new OpOutput(CoordErrorCode.Ok, "b", 1, Revision: 42) },
            Delete(3, 1, 12, 13),
        ];
        var path = Path.Combine(Path.GetTempPath(), $"history-{Guid.NewGuid():N}.jsonl");
        try
        {
            await HistoryJson.WriteAsync(path, history);
            var read = await HistoryJson.ReadAsync(path);

            Assert.Equal(history, read);
            Assert.Equal(LinearizabilityChecker.Check(history).Verdict, LinearizabilityChecker.Check(read).Verdict);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void HandWrittenLines_Parse()
    {
        var lines = new[]
        {
            """{"client":1,"key":"/k","op":"create","input":{"data":"a"},"output":{"code":"Ok"},"call":0,"return":1}""",
            """{"client":1,"key":"/k","op":"set","input":{"data":"b","version":0},"output":{"code":null},"call":2,"return":null}""",
            """{"client":2,"key":"/k","op":"get","input":{},"output":{"code":"Ok","data":"a","version":0},"call":3,"return":4}""",
        };

        var history = lines.Select(HistoryJson.FromLine).ToList();

        Assert.Equal(RegisterOp.Set, history[1].Op);
        Assert.True(history[1].Output.IsUnknown);
        Assert.Equal(long.MaxValue, history[1].EffectiveReturn);
        Assert.Equal(Verdict.Linearizable, LinearizabilityChecker.Check(history).Verdict);
        Assert.Contains("\"code\":null", HistoryJson.ToLine(history[1]));
        Assert.Contains("\"op\":\"set\"", HistoryJson.ToLine(history[1]));
    }
}
