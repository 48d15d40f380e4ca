using System.Text.Json.Serialization;

namespace OrleansCoord.Client.Proxy;

/// <summary>
/// A route, stored as JSON at <c>/proxy/routes/&lt;id&gt;</c>:
/// <c>{"path":"/api/{**rest}","cluster":"api","hosts":["example.com"]}</c>.
/// </summary>
/// <param name="Path">ASP.NET route template the request path must match.</param>
/// <param name="Cluster">The cluster id whose instances serve it.</param>
/// <param name="Hosts">Host headers it answers for (any when empty or absent).</param>
public sealed record RouteSpec(
    [property: JsonPropertyName("path")] string? Path,
    [property: JsonPropertyName("cluster")] string? Cluster,
    [property: JsonPropertyName("hosts"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Hosts = null)
{
    /// <summary>Every problem with this route, for the id it is stored under; empty when it is usable.</summary>
    public IReadOnlyList<string> Validate(string id)
    {
        var errors = new List<string>();
        if (!ProxyPaths.IsValidId(id)) errors.Add($"route id '{id}' may hold only letters, digits, '.', '_' and '-'");
        if (string.IsNullOrWhiteSpace(Path)) errors.Add("path is missing");
        else if (!Path.StartsWith('/')) errors.Add($"path '{Path}' must start with '/'");
        else if (!IsTemplate(Path)) errors.Add($"path '{Path}' is not a route template (unbalanced braces)");
        if (string.IsNullOrWhiteSpace(Cluster)) errors.Add("cluster is missing");
        else if (!ProxyPaths.IsValidId(Cluster)) errors.Add($"cluster '{Cluster}' may hold only letters, digits, '.', '_' and '-'");
        foreach (var host in Hosts ?? [])
        {
            if (string.IsNullOrWhiteSpace(host) || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '{' or '}'))
            {
                errors.Add($"host '{host}' is not a host name");
            }
        }

        return errors;
    }

    private static bool IsTemplate(string path)
    {
        var depth = 0;
        foreach (var c in path)
        {
            depth += c switch { '{' => 1, '}' => -1, _ => 0 };
            if (depth is < 0 or > 1) return false;
        }

        return depth == 0;
    }
}
