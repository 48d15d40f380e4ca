using System.Text.Json.Serialization;

namespace OrleansCoord.Client.Proxy;

/// <summary>
/// One registered instance of a service, stored as JSON in an ephemeral znode <c>/services/&lt;cluster&gt;/&lt;instance&gt;</c>:
/// <c>{"address":"http://127.0.0.1:5001","weight":1,"metadata":{"k":"v"}}</c>.
/// </summary>
/// <param name="Address">Absolute http(s) URL requests are forwarded to.</param>
/// <param name="Weight">Share of traffic under weighted-round-robin (nginx weight=). <value>1</value></param>
/// <param name="Metadata">Free-form strings; the proxy passes them along untouched.</param>
public sealed record InstanceSpec(
    [property: JsonPropertyName("address")] string? Address,
    [property: JsonPropertyName("weight")] int Weight = 1,
    [property: JsonPropertyName("metadata")] IReadOnlyDictionary<string, string>? Metadata = null)
{
    /// <summary>Every problem with this registration; empty when usable.</summary>
    public IReadOnlyList<string> Validate(string id)
    {
        var errors = new List<string>();
        // Any znode name will do: the registry names instances, and the proxy only uses the name as a key.
        if (string.IsNullOrEmpty(id)) errors.Add("instance id is empty");
        if (!Uri.TryCreate(Address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            errors.Add($"address '{Address}' is not an absolute http(s) URL");
        }

        if (Weight is < 1 or > 1000) errors.Add($"weight must be 1-1000, got {Weight}");
        return errors;
    }
}
