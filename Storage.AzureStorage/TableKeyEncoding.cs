using System.Text;

namespace OrleansCoord.Storage.AzureStorage;

/// <summary>
/// Maps logical keys to Azure Table row keys. Characters that Azure forbids in keys (or that need
/// quoting in filters) become <c>%XX</c> per UTF-8 byte. The mapping is character by character, so a
/// key prefix stays a row-key prefix, and every encoded character sorts below <c>~</c>.
/// </summary>
internal static class TableKeyEncoding
{
    /// <summary>Sorts after every character an encoded key can contain.</summary>
    public const char UpperBound = '~';

    public static string Encode(string key)
    {
        StringBuilder? builder = null;
        Span<byte> bytes = stackalloc byte[8];
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (IsPlain(c))
            {
                builder?.Append(c);
                continue;
            }

            builder ??= new StringBuilder(key.Length + 16).Append(key, 0, i);
            var length = char.IsHighSurrogate(c) && i + 1 < key.Length ? 2 : 1;
            var count = Encoding.UTF8.GetBytes(key.AsSpan(i, length), bytes);
            for (var b = 0; b < count; b++) builder.Append('%').Append(bytes[b].ToString("X2"));
            i += length - 1;
        }

        return builder?.ToString() ?? key;
    }

    public static string Decode(string rowKey)
    {
        if (!rowKey.Contains('%')) return rowKey;
        var bytes = new List<byte>(rowKey.Length);
        for (var i = 0; i < rowKey.Length; i++)
        {
            if (rowKey[i] == '%')
            {
                bytes.Add(Convert.ToByte(rowKey.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add((byte)rowKey[i]);
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsPlain(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '-' or '_' or '.' or ':' or '!' or '(' or ')' or '*' or '+' or ',' or ';' or '=' or '@' or '$' or '&' or '|';
}
