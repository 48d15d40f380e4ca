namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>The outcome of a run: what was checked, what was found, and where the history was kept.</summary>
public sealed record ChaosReport(ChaosSettings Settings, int FaultsInjected, IReadOnlyList<string> Violations, IReadOnlyList<string> Summary, string? HistoryPath)
{
    public override string ToString() =>
        $"{Settings}\n{string.Join("\n", Summary)}\n"
        + (Violations.Count == 0 ? "no violations" : $"{Violations.Count} violation(s):\n- {string.Join("\n- ", Violations)}")
        + (HistoryPath is null ? "" : $"\nhistory kept at {HistoryPath}");
}
