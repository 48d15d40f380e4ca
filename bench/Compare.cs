using System.Globalization;
using System.Text.Json;

namespace OrleansCoord.Bench;

/// <summary>
/// `bench compare grid.json reference.json`: the ratio of two `--json` results per phase (throughput
/// grid/reference, latencies grid/reference), as a Markdown table for docs/BENCHMARKS.md.
/// </summary>
public static class Compare
{
    public static int Run(string candidatePath, string referencePath, TextWriter output)
    {
        var candidate = Load(candidatePath);
        var reference = Load(referencePath);
        output.WriteLine("| phase | grid ops/s | reference ops/s | ops/s ratio | grid p50 ms | ref p50 ms | grid p99 ms | ref p99 ms |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (phase, c) in candidate)
        {
            if (!reference.TryGetValue(phase, out var r)) continue;
            var ratio = r.OpsPerSecond > 0 ? c.OpsPerSecond / r.OpsPerSecond : double.NaN;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {phase} | {c.OpsPerSecond:F0} | {r.OpsPerSecond:F0} | {ratio:F2}× | {c.P50Ms:F1} | {r.P50Ms:F1} | {c.P99Ms:F1} | {r.P99Ms:F1} |"));
        }

        return 0;
    }

    private static Dictionary<string, (double OpsPerSecond, double P50Ms, double P99Ms)> Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var phases = new Dictionary<string, (double, double, double)>();
        foreach (var phase in document.RootElement.GetProperty("phases").EnumerateArray())
        {
            phases[phase.GetProperty("phase").GetString()!] = (
                phase.GetProperty("opsPerSecond").GetDouble(),
                phase.GetProperty("p50Ms").GetDouble(),
                phase.GetProperty("p99Ms").GetDouble());
        }

        return phases;
    }
}
