namespace OrleansCoord.Grains.Storage;

/// <summary>What a conditional write does to one record.</summary>
public enum RecordWriteKind
{
    /// <summary>Create the record; fails if it exists.</summary>
    Insert,

    /// <summary>Replace the record; fails unless its current token is <see cref="RecordWrite.Token"/>.</summary>
    Replace,

    /// <summary>Delete the record; fails unless its current token is <see cref="RecordWrite.Token"/>.</summary>
    Delete,

    /// <summary>Leave the record as it is; fails if it does not exist. Used for session fences.</summary>
    Touch,
}

/// <summary>One conditional write of a commit. All writes of a commit are applied together or not at all.</summary>
/// <param name="Token">The storage token read with the record (its ETag), for Replace and Delete.</param>
[GenerateSerializer, Immutable]
public sealed record RecordWrite(
    [property: Id(0)] RecordWriteKind Kind,
    [property: Id(1)] string Key,
    [property: Id(2)] byte[]? Value = null,
    [property: Id(3)] string? Token = null)
{
    public static RecordWrite Insert(string key, byte[] value) => new(RecordWriteKind.Insert, key, value);

    public static RecordWrite Replace(string key, byte[] value, string token) => new(RecordWriteKind.Replace, key, value, token);

    public static RecordWrite Delete(string key, string token) => new(RecordWriteKind.Delete, key, null, token);

    public static RecordWrite Touch(string key) => new(RecordWriteKind.Touch, key);

    /// <summary>Approximate bytes this write sends, for sizing batches.</summary>
    public int Size => Key.Length * 2 + (Value?.Length ?? 0) + 64;
}

/// <summary>A record as read from the store, with the token that conditional writes must present.</summary>
public sealed record StoredRecord(string Key, byte[] Value, string Token);

/// <summary>
/// The outcome of a commit: applied (with the new token of every written record) or refused because
/// the condition on <see cref="ConflictKey"/> did not hold (nothing applied).
/// </summary>
public sealed record CommitResult(IReadOnlyDictionary<string, string>? Tokens, string? ConflictKey)
{
    public bool Committed => ConflictKey is null;

    public static CommitResult Success(IReadOnlyDictionary<string, string> tokens) => new(tokens, null);

    public static CommitResult Conflict(string key) => new(null, key);
}
