using System.Text;
using System.Text.Json;
using OrleansCoord.Errors;

namespace OrleansCoord.Client.Proxy;

/// <summary>
/// Reads and writes the proxy's znode JSON. Reading collects every problem (bad JSON, unknown fields, invalid
/// values) instead of stopping at the first, so that the CLI can report them all before writing anything.
/// </summary>
public static class ProxyJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        // A misspelt field ("polcy") is an error, not a silently ignored default.
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        WriteIndented = false,
    };

    // Registrations are written by other programs (the SDK's service registry, other languages): fields this
    // version does not know are tolerated there, so that a newer registry does not make instances vanish.
    private static readonly JsonSerializerOptions Lenient = new(Options) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip };

    public static byte[] Write<T>(T spec) => JsonSerializer.SerializeToUtf8Bytes(spec, Options);

    public static ParseResult<RouteSpec> ReadRoute(string id, ReadOnlySpan<byte> data) => Read<RouteSpec>(data, spec => spec.Validate(id));

    public static ParseResult<ClusterSpec> ReadCluster(string id, ReadOnlySpan<byte> data) => Read<ClusterSpec>(data, spec => spec.Validate(id));

    public static ParseResult<InstanceSpec> ReadInstance(string id, ReadOnlySpan<byte> data) => Read<InstanceSpec>(data, spec => spec.Validate(id), Lenient);

    /// <summary>A proxy's status; null when the znode does not hold one (fields of newer proxies are tolerated).</summary>
    public static ProxyStatus? ReadStatus(ReadOnlySpan<byte> data)
    {
        try
        {
            return JsonSerializer.Deserialize<ProxyStatus>(data, Lenient) is { Clusters: not null } status ? status : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Throws BadArguments naming <paramref name="path"/> and every error, when there are any.</summary>
    public static T Require<T>(ParseResult<T> result, string path) where T : class =>
        result.Spec is { } spec && result.Errors.Count == 0
            ? spec
            : throw CoordException.BadArguments(path, string.Join("; ", result.Errors));

    private static ParseResult<T> Read<T>(ReadOnlySpan<byte> data, Func<T, IReadOnlyList<string>> validate, JsonSerializerOptions? options = null)
        where T : class
    {
        T? spec;
        try
        {
            spec = JsonSerializer.Deserialize<T>(data, options ?? Options);
        }
        catch (JsonException exception)
        {
            return new ParseResult<T>(null, [$"not valid JSON: {exception.Message}"]);
        }

        if (spec is null) return new ParseResult<T>(null, ["not valid JSON: null"]);
        var errors = validate(spec);
        return new ParseResult<T>(errors.Count == 0 ? spec : null, errors);
    }

    /// <summary>For log lines: the znode's bytes as text, cut short.</summary>
    public static string Preview(ReadOnlySpan<byte> data) =>
        Encoding.UTF8.GetString(data[..Math.Min(data.Length, 200)]);
}

/// <summary>A parsed spec, or the reasons it is unusable.</summary>
public sealed record ParseResult<T>(T? Spec, IReadOnlyList<string> Errors) where T : class;
