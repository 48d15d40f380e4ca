using System.Globalization;

namespace OrleansCoord.Silo.Tests;

/// <summary>Reads samples out of a Prometheus text scrape: the sum of a metric's samples whose labels include all the given ones.</summary>
internal static class PrometheusText
{
    /// <summary>The sum over the samples of <paramref name="metric"/> carrying every <c>name="value"</c> of <paramref name="labels"/>; null when there is none.</summary>
    public static double? Sum(string text, string metric, params (string Name, string Value)[] labels)
    {
        double? sum = null;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(metric, StringComparison.Ordinal)) continue;
            var rest = line[metric.Length..];
            if (rest.Length == 0 || (rest[0] != '{' && rest[0] != ' ')) continue;
            var labelText = rest[0] == '{' ? rest[1..rest.IndexOf('}')] : "";
            if (!labels.All(l => labelText.Contains($"{l.Name}=\"{l.Value}\"", StringComparison.Ordinal))) continue;
            var fields = rest[(rest[0] == '{' ? rest.IndexOf('}') + 1 : 0)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            sum = (sum ?? 0) + double.Parse(fields[0], CultureInfo.InvariantCulture);
        }

        return sum;
    }

    /// <summary>GETs <c>/metrics</c> of <paramref name="silo"/>.</summary>
    public static async Task<string> ScrapeAsync(HttpClient http, SiloProcess silo)
    {
        using var response = await http.GetAsync(new Uri(silo.HttpBase, "metrics"), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }
}
