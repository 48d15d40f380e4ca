namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>
/// One short run per fault kind: three silos on Azurite, eight clients, the fault once. ProcessKill (silo processes)
/// is what <see cref="SoakTests"/> runs in CI, twice in its minute, so it has no run of its own here. Fails on any violation and
/// prints the seed (COORD_CHAOS_SEED repeats a run) and, on failure, where the history was kept. COORD_CHAOS_FAULT=Kind
/// runs only that kind.
/// </summary>
public sealed class FaultRunTests
{
    [Theory]
    [InlineData(FaultKind.SiloKill)]
    [InlineData(FaultKind.SiloStop)]
    [InlineData(FaultKind.StorageFreeze)]
    [InlineData(FaultKind.EtagConflict)]
    [InlineData(FaultKind.StoreCommitFault)]
    [InlineData(FaultKind.EmbeddedAzuriteProcessKill)]
    [InlineData(FaultKind.PostgresPowerLoss)]
    public async Task OneFault_NoViolation(FaultKind fault)
    {
        Assert.SkipWhen(Environment.GetEnvironmentVariable("COORD_CHAOS_FAULT") is { Length: > 0 } only && only != fault.ToString(),
            "COORD_CHAOS_FAULT names another fault kind");
        var settings = new ChaosSettings(fault, ChaosSettings.SeedFromEnvironment());
        var report = await ChaosRunner.RunAsync(settings, line => TestContext.Current.SendDiagnosticMessage(line));
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.True(report.Violations.Count == 0, report.ToString());
    }
}
