using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansCoord.Bench;

/// <summary>What was run, for the report header and the JSON document.</summary>
public sealed record BenchSettings(
    string Target, string Server, int Ops, int Concurrency, int Size, int Clients, int Warmup, string[] Phases, string? Label = null);

/// <summary>
/// The fixed table format shared with bench/zookeeper/ZkBench.java, so the two outputs line up:
/// one header line, one line per phase, latencies in milliseconds.
/// </summary>
public static class Report
{
    public const string Header =
        "phase         ops  errors   seconds      ops/s    p50 ms    p99 ms    max ms";

    /// <summary>The header for phase names up to 14 characters (the recipes' <c>lock-handoff</c>, <c>counter-add</c>);
    /// the columns after the name are the same as <see cref="Header"/>'s.</summary>
    public const string WideHeader =
        "phase               ops  errors   seconds      ops/s    p50 ms    p99 ms    max ms";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Describe(BenchSettings s) => string.Create(CultureInfo.InvariantCulture,
        $"# target={s.Target}{(s.Label is null ? "" : " " + s.Label)} server={s.Server} ops={s.Ops} concurrency={s.Concurrency} size={s.Size} clients={s.Clients} warmup={s.Warmup}");

    public static string Line(PhaseResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Phase,-8} {r.Ops,8} {r.Errors,7} {r.Seconds,9:F3} {r.OpsPerSecond,10:F1} {r.P50Ms,9:F3} {r.P99Ms,9:F3} {r.MaxMs,9:F3}");

    public static string WideLine(PhaseResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Phase,-14} {r.Ops,8} {r.Errors,7} {r.Seconds,9:F3} {r.OpsPerSecond,10:F1} {r.P50Ms,9:F3} {r.P99Ms,9:F3} {r.MaxMs,9:F3}");

    public static string ToJson(BenchSettings settings, IReadOnlyList<PhaseResult> results) =>
        JsonSerializer.Serialize(new { settings, date = DateTimeOffset.UtcNow, phases = results }, Json);
}
