using System.Globalization;
using OrleansCoord.Grains.Hosting;

namespace OrleansCoord.Silo.Hosting;

/// <summary>
/// Reads <see cref="SiloHostOptions"/> from configuration, one key at a time, so that a bad value becomes a
/// message naming the flag and the value (the configuration binder would throw on the first one instead).
/// </summary>
internal static class SiloHostOptionsReader
{
    /// <summary>Reads every known key; keys that are absent keep their defaults. Appends one message per bad value.</summary>
    public static SiloHostOptions Read(IConfiguration configuration, List<string> errors)
    {
        var options = new SiloHostOptions();
        var storage = options.Storage;
        var endpoints = options.Endpoints;
        var cluster = options.Cluster;

        storage.Profile = ReadEnum(configuration, "Storage:Profile", storage.Profile, errors);
        storage.ConnectionString = configuration["Storage:ConnectionString"]
            ?? (storage.Profile == StorageProfile.Postgres ? Launchers.Postgres.EmbeddedPostgres.ConnectionString : storage.ConnectionString);
        storage.PostgresDir = configuration["Storage:PostgresDir"] ?? storage.PostgresDir;
        storage.AzuriteDir = configuration["Storage:AzuriteDir"] ?? storage.AzuriteDir;
        storage.AzuritePorts = ReadPorts(configuration, "Storage:AzuritePorts", 3, storage.AzuritePorts, errors);
        storage.WatchStreams = ReadEnum(configuration, "Storage:WatchStreams", storage.WatchStreams, errors);

        endpoints.SiloPort = ReadInt(configuration, "Endpoints:SiloPort", endpoints.SiloPort, errors);
        endpoints.GatewayPort = ReadInt(configuration, "Endpoints:GatewayPort", endpoints.GatewayPort, errors);
        endpoints.HttpPort = ReadInt(configuration, "Endpoints:HttpPort", endpoints.HttpPort, errors);
        endpoints.ZooKeeperPort = ReadInt(configuration, "Endpoints:ZooKeeperPort", endpoints.ZooKeeperPort, errors);
        endpoints.FourLetterWordWhitelist = NullIfEmpty(configuration["Endpoints:FourLetterWordWhitelist"]) ?? endpoints.FourLetterWordWhitelist;
        endpoints.AdvertisedIp = NullIfEmpty(configuration["Endpoints:AdvertisedIp"]) ?? endpoints.AdvertisedIp;
        endpoints.ZooKeeperSecurePort = ReadInt(configuration, "Endpoints:ZooKeeperSecurePort", endpoints.ZooKeeperSecurePort, errors);

        var tls = options.Tls;
        tls.CertificatePath = NullIfEmpty(configuration["Tls:CertificatePath"]);
        tls.KeyPath = NullIfEmpty(configuration["Tls:KeyPath"]);
        tls.CertificatePassword = NullIfEmpty(configuration["Tls:CertificatePassword"]);
        tls.CaPath = NullIfEmpty(configuration["Tls:CaPath"]);
        tls.RequireClientCertificate = ReadBool(configuration, "Tls:RequireClientCertificate", tls.RequireClientCertificate, errors);
        tls.Grid = ReadBool(configuration, "Tls:Grid", tls.Grid, errors);

        HttpPortAccess.Read(configuration, options.Http, errors);

        options.Proxy.Port = ReadInt(configuration, "Proxy:Port", options.Proxy.Port, errors);
        options.Proxy.AdminPort = ReadInt(configuration, "Proxy:AdminPort", options.Proxy.AdminPort, errors);
        options.Dashboard = ReadEnum(configuration, "Dashboard:Mode", options.Dashboard, errors);
        options.ExplorerEdit = ReadBool(configuration, "Explorer:Edit", options.ExplorerEdit, errors);

        cluster.ClusterId = configuration["Cluster:ClusterId"] ?? cluster.ClusterId;
        cluster.ServiceId = configuration["Cluster:ServiceId"] ?? cluster.ServiceId;
        cluster.GrainDirectory = ReadEnum(configuration, "Cluster:GrainDirectory", cluster.GrainDirectory, errors);
        cluster.SuperDigest = NullIfEmpty(configuration["Cluster:SuperDigest"]) ?? cluster.SuperDigest;
        cluster.CredentialLifetimeSeconds = ReadInt(configuration, "Cluster:CredentialLifetimeSeconds", cluster.CredentialLifetimeSeconds, errors);
        if (cluster.CredentialLifetimeSeconds is < 1 or > 3600)
            errors.Add($"{Describe("Cluster:CredentialLifetimeSeconds")}: {cluster.CredentialLifetimeSeconds} is not between 1 and 3600 seconds");
        if (cluster.SuperDigest is { } super && super.Split(':').Length != 2)
            errors.Add($"{Describe("Cluster:SuperDigest")}: '{super}' is not user:base64(sha1(user:password))");
        return options;
    }

    private static T ReadEnum<T>(IConfiguration configuration, string key, T fallback, List<string> errors) where T : struct, Enum
    {
        var raw = configuration[key];
        if (raw is null) return fallback;

        // Only names: Enum.TryParse alone would also take "7" or "AzureStorage, Memory".
        foreach (var name in Enum.GetNames<T>())
        {
            if (string.Equals(name, raw.Trim(), StringComparison.OrdinalIgnoreCase)) return Enum.Parse<T>(name);
        }

        errors.Add($"{Describe(key)}: unknown value '{raw}' (expected {string.Join(" or ", Enum.GetNames<T>())})");
        return fallback;
    }

    private static bool ReadBool(IConfiguration configuration, string key, bool fallback, List<string> errors)
    {
        var raw = configuration[key];
        if (raw is null) return fallback;
        if (bool.TryParse(raw.Trim(), out var value)) return value;

        errors.Add($"{Describe(key)}: '{raw}' is not true or false");
        return fallback;
    }

    private static int ReadInt(IConfiguration configuration, string key, int fallback, List<string> errors)
    {
        var raw = configuration[key];
        if (raw is null) return fallback;
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return value;

        errors.Add($"{Describe(key)}: '{raw}' is not a port number (1-65535)");
        return fallback;
    }

    private static int[] ReadPorts(IConfiguration configuration, string key, int count, int[] fallback, List<string> errors)
    {
        var raw = configuration[key];
        if (raw is null) return fallback;
        var parts = raw.Split(',', StringSplitOptions.TrimEntries);
        var ports = parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535 ? port : 0).ToArray();
        if (ports.Length == count && !ports.Contains(0) && ports.Distinct().Count() == count) return ports;

        errors.Add($"{Describe(key)}: '{raw}' is not {count} distinct port numbers (1-65535) separated by commas");
        return fallback;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>"--silo-port (Endpoints:SiloPort)": the flag people type and the key appsettings/env use.</summary>
    internal static string Describe(string key) => $"{CommandLineFlags.FlagFor(key)} ({key})";
}
