using Azure.Data.Tables;

namespace OrleansCoord.Storage.AzureStorage;

/// <summary>
/// Lays a record's value out in table entities: up to <see cref="MainChunks"/> binary properties of
/// 64 KiB in the record's own entity, the rest in one overflow entity written in the same transaction.
/// Ten chunks keep an entity under the 1 MB limit also where its size is counted in base64 (Azurite).
/// The token handed to callers is the ETag, marked when an overflow entity exists. A record's length is stored with
/// it and reads stop there, so a shorter value can be merged over a longer one (see <see cref="TableActions"/>).
/// </summary>
internal static class TableRecordCodec
{
    public const int ChunkSize = 64 * 1024;
    public const int MainChunks = 10;
    private const string OverflowMark = "|o";

    public static string OverflowKey(string key) => "o:" + key;

    public static bool NeedsOverflow(byte[] value) => value.Length > MainChunks * ChunkSize;

    public static bool HasOverflow(string? token) => token is not null && token.EndsWith(OverflowMark, StringComparison.Ordinal);

    public static string ETagOf(string token) => HasOverflow(token) ? token[..^OverflowMark.Length] : token;

    public static string Token(string etag, bool overflow) => overflow ? etag + OverflowMark : etag;

    public static TableEntity MainEntity(string partition, string key, byte[] value)
    {
        var entity = new TableEntity(partition, TableKeyEncoding.Encode(key));
        var mainLength = Math.Min(value.Length, MainChunks * ChunkSize);
        AddChunks(entity, value.AsSpan(0, mainLength), "V");
        entity["L"] = value.Length;
        return entity;
    }

    public static TableEntity OverflowEntity(string partition, string key, byte[] value)
    {
        var entity = new TableEntity(partition, TableKeyEncoding.Encode(OverflowKey(key)));
        AddChunks(entity, value.AsSpan(MainChunks * ChunkSize), "W");
        return entity;
    }

    /// <summary>The value of a record from its entity (and overflow entity when it has one).</summary>
    public static byte[] Value(TableEntity main, TableEntity? overflow)
    {
        var length = main.GetInt32("L") ?? 0;
        var value = new byte[length];
        var offset = ReadChunks(main, "V", value, 0);
        if (overflow is not null) ReadChunks(overflow, "W", value, offset);
        return value;
    }

    public static bool StoredWithOverflow(TableEntity main) => (main.GetInt32("L") ?? 0) > MainChunks * ChunkSize;

    private static void AddChunks(TableEntity entity, ReadOnlySpan<byte> data, string prefix)
    {
        for (int i = 0, offset = 0; offset < data.Length; i++, offset += ChunkSize)
        {
            entity[prefix + i] = data.Slice(offset, Math.Min(ChunkSize, data.Length - offset)).ToArray();
        }
    }

    private static int ReadChunks(TableEntity entity, string prefix, byte[] target, int offset)
    {
        for (var i = 0; offset < target.Length && entity.TryGetValue(prefix + i, out var chunk) && chunk is byte[] bytes; i++)
        {
            bytes.CopyTo(target, offset);
            offset += bytes.Length;
        }

        return offset;
    }
}
