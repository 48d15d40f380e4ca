using System.Globalization;

namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>
/// Soak: the fault run with a silo process killed (SIGKILL) and started again every 30 s, for COORD_SOAK_MINUTES
/// minutes (30 for a real run; 1 when unset, which is what CI runs; 0 skips it). COORD_SOAK_FAULT names another
/// fault kind (SiloKill: in-process silos). See docs/ROBUSTNESS.md.
/// </summary>
public sealed class SoakTests
{
    [Fact]
    public async Task Soak_SiloKilledEvery30s_NoViolation()
    {
        var minutes = double.TryParse(Environment.GetEnvironmentVariable("COORD_SOAK_MINUTES"), NumberStyles.Float, CultureInfo.InvariantCulture, out var set)
            ? set
            : 1;
        Assert.SkipWhen(minutes <= 0, "COORD_SOAK_MINUTES=0");
        var fault = Enum.TryParse<FaultKind>(Environment.GetEnvironmentVariable("COORD_SOAK_FAULT"), out var named) ? named : FaultKind.ProcessKill;

        var settings = new ChaosSettings(fault, ChaosSettings.SeedFromEnvironment())
        {
            SoakFor = TimeSpan.FromMinutes(minutes),
            FaultEvery = TimeSpan.FromSeconds(30),
        };
        var report = await ChaosRunner.RunAsync(settings, line => TestContext.Current.SendDiagnosticMessage(line));
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.True(report.Violations.Count == 0, report.ToString());
        Assert.True(report.FaultsInjected >= Math.Max(1, (int)(minutes * 2) - 1), $"only {report.FaultsInjected} faults in {minutes} min");
    }
}
