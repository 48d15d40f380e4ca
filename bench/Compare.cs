using System.Globalization;
using System.Text.Json;

namespace OrleansCoord.Bench;

/// <summary>
/// `bench compare --grid a.json [b.json ...] --reference z.json [...]`: per phase, the median over the
/// runs of each side (ops/s, p50, p99) and the ratio grid/reference, as a Markdown table.
/// </summary>
public static class Compare
{
    private sealed record Figures(double OpsPerSecond, double P50Ms, double P99Ms);

    public static int Run(IReadOnlyList<string> gridPaths, IReadOnlyList<string> referencePaths, TextWriter output)
    {
        var grid = Median(gridPaths.Select(Load).ToList());
        var reference = Median(referencePaths.Select(Load).ToList());
        output.WriteLine($"Medians of {gridPaths.Count} grid run(s) and {referencePaths.Count} reference run(s).");
        output.WriteLine();
        output.WriteLine("| phase | grid ops/s | ZK ops/s | grid/ZK ops/s | grid p50 ms | ZK p50 ms | grid p99 ms | ZK p99 ms |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (phase, g) in grid)
        {
            if (!reference.TryGetValue(phase, out var r)) continue;
            var ratio = r.OpsPerSecond > 0 ? g.OpsPerSecond / r.OpsPerSecond : double.NaN;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {phase} | {g.OpsPerSecond:F0} | {r.OpsPerSecond:F0} | {ratio:F2}× | {g.P50Ms:F1} | {r.P50Ms:F1} | {g.P99Ms:F1} | {r.P99Ms:F1} |"));
        }

        return 0;
    }

    /// <summary>`bench summary a.json [b.json ...]`: per phase, median ops/s (min–max), p50 and p99 over the runs.</summary>
    public static int Summary(IReadOnlyList<string> paths, TextWriter output)
    {
        var runs = paths.Select(Load).ToList();
        output.WriteLine($"Medians of {runs.Count} run(s); ops/s range in brackets.");
        output.WriteLine();
        output.WriteLine("| phase | ops/s | (min–max) | p50 ms | p99 ms |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (phase, m) in Median(runs))
        {
            var all = runs.Where(run => run.ContainsKey(phase)).Select(run => run[phase].OpsPerSecond).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {phase} | {m.OpsPerSecond:F0} | ({all.Min():F0}–{all.Max():F0}) | {m.P50Ms:F1} | {m.P99Ms:F1} |"));
        }

        return 0;
    }

    private static Dictionary<string, Figures> Median(List<Dictionary<string, Figures>> runs)
    {
        var phases = runs.SelectMany(run => run.Keys).Distinct();
        return phases.ToDictionary(phase => phase, phase =>
        {
            var samples = runs.Where(run => run.ContainsKey(phase)).Select(run => run[phase]).ToList();
            return new Figures(
                Middle(samples.Select(s => s.OpsPerSecond)), Middle(samples.Select(s => s.P50Ms)), Middle(samples.Select(s => s.P99Ms)));
        });
    }

    private static double Middle(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static Dictionary<string, Figures> Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var phases = new Dictionary<string, Figures>();
        foreach (var phase in document.RootElement.GetProperty("phases").EnumerateArray())
        {
            phases[phase.GetProperty("phase").GetString()!] = new Figures(
                phase.GetProperty("opsPerSecond").GetDouble(),
                phase.GetProperty("p50Ms").GetDouble(),
                phase.GetProperty("p99Ms").GetDouble());
        }

        return phases;
    }
}
