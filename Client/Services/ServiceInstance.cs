using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansCoord.Errors;

namespace OrleansCoord.Client.Services;

/// <summary>
/// One registered instance of a service, stored as the data of its znode in exactly this JSON shape (the proxy
/// reads it): <c>{"address":"http://127.0.0.1:5001","weight":1,"metadata":{"k":"v"}}</c>.
/// </summary>
/// <param name="Address">Absolute http or https URL of the instance.</param>
/// <param name="Weight">Relative share of traffic (nginx <c>weight=</c>), at least 1.</param>
public sealed record ServiceInstance(string Address, int Weight = 1, IReadOnlyDictionary<string, string>? Metadata = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Never null: an instance without metadata has an empty map (and <c>{}</c> in JSON).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = Metadata ?? new Dictionary<string, string>();

    /// <summary>Throws BadArguments unless the address is an absolute http(s) URL and the weight is at least 1.</summary>
    public void Validate(string subject)
    {
        if (!Uri.TryCreate(Address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw CoordException.BadArguments(subject, $"address must be an absolute http or https URL, got '{Address}'");
        if (Weight < 1) throw CoordException.BadArguments(subject, $"weight must be at least 1, got {Weight}");
    }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(new Wire(Address, Weight, Metadata), Json);

    /// <summary>Parses an instance's znode data; null when it is not an instance (malformed, or no address).</summary>
    public static ServiceInstance? FromJson(ReadOnlySpan<byte> data)
    {
        try
        {
            var wire = JsonSerializer.Deserialize<Wire>(data, Json);
            return wire?.Address is { Length: > 0 } address
                ? new ServiceInstance(address, wire.Weight ?? 1, wire.Metadata)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Wire(string? Address, int? Weight, IReadOnlyDictionary<string, string>? Metadata);
}

/// <summary>A registered instance and its id (the name of its znode).</summary>
public sealed record ServiceInstanceEntry(string Id, ServiceInstance Instance);
