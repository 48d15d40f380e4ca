namespace OrleansCoord.Silo.Launchers.Azurite;

/// <summary>Recognises connection strings that mean "the local Azurite", which the silo may start itself.</summary>
internal static class DevelopmentStorage
{
    /// <summary>Azurite's fixed account name.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>Blob, queue and table ports of Azurite (and of the old storage emulator).</summary>
    public static readonly int[] Ports = [10000, 10001, 10002];

    /// <summary>
    /// True for <c>UseDevelopmentStorage=true</c>, and for an explicit connection string with the
    /// devstoreaccount1 account whose endpoints all point at loopback ports 10000-10002 (or <paramref name="ports"/>).
    /// </summary>
    public static bool IsDevelopment(string connectionString, int[]? ports = null)
    {
        ports ??= Ports;
        var pairs = Parse(connectionString);
        if (pairs.TryGetValue("UseDevelopmentStorage", out var use))
        {
            return string.Equals(use, "true", StringComparison.OrdinalIgnoreCase);
        }

        if (!pairs.TryGetValue("AccountName", out var account) || account != AccountName) return false;

        var endpoints = pairs.Where(p => p.Key.EndsWith("Endpoint", StringComparison.OrdinalIgnoreCase)).Select(p => p.Value).ToList();
        return endpoints.Count > 0 && endpoints.All(endpoint => IsLocalAzuriteEndpoint(endpoint, ports));
    }

    /// <summary>A connection string for an Azurite whose blob, queue and table endpoints listen on 127.0.0.1 <paramref name="ports"/>.</summary>
    public static string ConnectionStringFor(int[] ports) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{ports[0]}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{ports[1]}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{ports[2]}/{AccountName};";

    /// <summary>True for <c>UseDevelopmentStorage=true</c>, which always means Azurite's default ports.</summary>
    public static bool IsDefaultShortcut(string connectionString) =>
        Parse(connectionString).TryGetValue("UseDevelopmentStorage", out var use) && string.Equals(use, "true", StringComparison.OrdinalIgnoreCase);

    private static bool IsLocalAzuriteEndpoint(string endpoint, int[] ports) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
        && (uri.Host is "127.0.0.1" or "localhost" or "[::1]")
        && ports.Contains(uri.Port);

    private static Dictionary<string, string> Parse(string connectionString)
    {
        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq > 0) pairs[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }

        return pairs;
    }
}
