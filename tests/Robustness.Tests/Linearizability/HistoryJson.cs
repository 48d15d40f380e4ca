using System.Text;
using System.Text.Json;

namespace OrleansCoord.Robustness.Tests.Linearizability;

/// <summary>
/// Histories as JSON lines, one operation per line:
/// <c>{"client":3,"key":"/r/k1","op":"set","input":{"data":"c3-17","version":4},"output":{"code":"Ok","version":5},"call":1200,"return":1350}</c>.
/// An unknown outcome is <c>"output":{"code":null}</c>. Kept so that a failing run can be re-checked later.
/// </summary>
public static class HistoryJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string ToLine(Operation operation) => JsonSerializer.Serialize(operation, Options);

    public static Operation FromLine(string line) =>
        JsonSerializer.Deserialize<Operation>(line, Options) ?? throw new FormatException($"not an operation: {line}");

    public static async Task WriteAsync(string path, IEnumerable<Operation> history)
    {
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        foreach (var operation in history) await writer.WriteLineAsync(ToLine(operation));
    }

    public static async Task<List<Operation>> ReadAsync(string path)
    {
        var history = new List<Operation>();
        var number = 0;
        foreach (var line in await File.ReadAllLinesAsync(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                history.Add(FromLine(line));
            }
            catch (JsonException exception)
            {
                throw new FormatException($"{path}:{number}: {exception.Message}", exception);
            }
        }

        return history;
    }
}
