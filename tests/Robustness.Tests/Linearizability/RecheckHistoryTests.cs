namespace OrleansCoord.Robustness.Tests.Linearizability;

/// <summary>Checks a kept history again: COORD_HISTORY names a JSON-lines file. Skipped when it is not set.</summary>
public sealed class RecheckHistoryTests
{
    [Fact]
    public async Task KeptHistory_Linearizable()
    {
        var path = Environment.GetEnvironmentVariable("COORD_HISTORY");
        Assert.SkipWhen(string.IsNullOrEmpty(path), "set COORD_HISTORY to a history file to re-check it");

        var verdict = LinearizabilityChecker.Check(await HistoryJson.ReadAsync(path!), TimeSpan.FromMinutes(10));
        TestContext.Current.TestOutputHelper?.WriteLine(verdict.ToString());
        Assert.True(verdict.Verdict == Verdict.Linearizable, verdict.ToString());
    }
}
