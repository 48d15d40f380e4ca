using System.Text;
using System.Text.Json;

namespace OrleansCoord.Explorer.Api;

/// <summary>
/// How a znode's bytes are shown: <c>json</c> (indented) when they are UTF-8 holding a JSON object or array,
/// <c>text</c> when they are UTF-8 without control characters other than tab and line ends, <c>hex</c> otherwise
/// (a dump of 16 bytes a line), <c>null</c> for a znode without data.
/// </summary>
internal static class DataRendering
{
    /// <summary>Most bytes of a hex dump (a 1 MiB znode would be 4 MiB of dump): the rest is left off and said so.</summary>
    public const int MaxHexBytes = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The rendering of <paramref name="data"/>.</summary>
    public static RenderedData Render(byte[] data, bool isNull)
    {
        if (isNull) return new RenderedData("null", "", false);
        if (TryText(data) is { } text)
        {
            return TryJson(text) is { } json ? new RenderedData("json", json, false) : new RenderedData("text", text, false);
        }

        return new RenderedData("hex", HexDump(data.AsSpan(0, Math.Min(data.Length, MaxHexBytes))), data.Length > MaxHexBytes);
    }

    private static string? TryText(byte[] data)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(data);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        return text.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r')) ? null : text;
    }

    private static string? TryJson(string text)
    {
        var trimmed = text.TrimStart();
        if (trimmed.Length == 0 || trimmed[0] is not ('{' or '[')) return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return JsonSerializer.Serialize(document.RootElement, Indented);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary><c>00000000  7b 22 61 22 ...  |{"a"...|</c>: offset, 16 bytes in hex, the printable ASCII of them.</summary>
    public static string HexDump(ReadOnlySpan<byte> data)
    {
        var dump = new StringBuilder(data.Length * 4 + 16);
        for (var offset = 0; offset < data.Length; offset += 16)
        {
            var line = data.Slice(offset, Math.Min(16, data.Length - offset));
            dump.Append(offset.ToString("x8")).Append("  ");
            for (var i = 0; i < 16; i++)
            {
                dump.Append(i < line.Length ? line[i].ToString("x2") : "  ").Append(i == 7 ? "  " : " ");
            }

            dump.Append(" |");
            foreach (var b in line) dump.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
            dump.Append("|\n");
        }

        return dump.ToString();
    }
}

/// <summary>A znode's data as the page shows it.</summary>
/// <param name="Kind"><c>json</c>, <c>text</c>, <c>hex</c> or <c>null</c>.</param>
/// <param name="Text">What to show.</param>
/// <param name="Truncated">True when a hex dump left bytes off (<see cref="DataRendering.MaxHexBytes"/>).</param>
internal sealed record RenderedData(string Kind, string Text, bool Truncated);
