using System.Net;
using Azure.Data.Tables;
using OrleansCoord.Grains.Hosting;

namespace OrleansCoord.Silo.Hosting;

/// <summary>Checks <see cref="SiloHostOptions"/> as a whole and collects every problem before refusing them.</summary>
internal static class SiloHostOptionsValidator
{
    /// <summary>Appends one message per problem; no messages means the options are usable.</summary>
    public static void Validate(SiloHostOptions options, List<string> errors)
    {
        var endpoints = options.Endpoints;
        CheckPort(endpoints.SiloPort, "Endpoints:SiloPort", errors);
        CheckPort(endpoints.GatewayPort, "Endpoints:GatewayPort", errors);
        CheckPort(endpoints.HttpPort, "Endpoints:HttpPort", errors);

        if (endpoints.ZooKeeperPort != 0) CheckPort(endpoints.ZooKeeperPort, "Endpoints:ZooKeeperPort", errors);

        var ports = new[] { endpoints.SiloPort, endpoints.GatewayPort, endpoints.HttpPort };
        if (ports.Distinct().Count() != ports.Length)
        {
            errors.Add($"silo, gateway and HTTP ports must differ (got {string.Join(", ", ports)})");
        }
        else if (endpoints.ZooKeeperPort != 0 && ports.Contains(endpoints.ZooKeeperPort))
        {
            errors.Add($"{SiloHostOptionsReader.Describe("Endpoints:ZooKeeperPort")}: {endpoints.ZooKeeperPort} is already the silo, gateway or HTTP port");
        }

        ValidateTls(options, ports, errors);

        if (options.Proxy.Port != 0)
        {
            CheckPort(options.Proxy.Port, "Proxy:Port", errors);
            CheckPort(options.Proxy.AdminPort, "Proxy:AdminPort", errors);
            int[] taken = [.. ports, endpoints.ZooKeeperPort, endpoints.ZooKeeperSecurePort];
            if (options.Proxy.Port == options.Proxy.AdminPort || taken.Contains(options.Proxy.Port) || taken.Contains(options.Proxy.AdminPort))
            {
                errors.Add($"{SiloHostOptionsReader.Describe("Proxy:Port")} and {SiloHostOptionsReader.Describe("Proxy:AdminPort")}: " +
                    $"{options.Proxy.Port} and {options.Proxy.AdminPort} must differ from each other and from the silo's ports");
            }
        }

        if (endpoints.AdvertisedIp is { } ip && !IPAddress.TryParse(ip, out _))
        {
            errors.Add($"{SiloHostOptionsReader.Describe("Endpoints:AdvertisedIp")}: '{ip}' is not an IP address");
        }

        CheckId(options.Cluster.ClusterId, "Cluster:ClusterId", errors);
        CheckId(options.Cluster.ServiceId, "Cluster:ServiceId", errors);

        if (options.Storage.Profile == StorageProfile.AzureStorage && string.IsNullOrWhiteSpace(options.Storage.ConnectionString))
        {
            errors.Add($"{SiloHostOptionsReader.Describe("Storage:ConnectionString")}: required for the AzureStorage profile");
        }
        else if (options.Storage.Profile == StorageProfile.AzureStorage && !IsConnectionString(options.Storage.ConnectionString))
        {
            errors.Add($"{SiloHostOptionsReader.Describe("Storage:ConnectionString")}: not an Azure Storage connection string");
        }

        if (options.Storage.Profile == StorageProfile.Postgres) ValidatePostgres(options.Storage, errors);

        if (Launchers.Azurite.DevelopmentStorage.IsDefaultShortcut(options.Storage.ConnectionString)
            && !options.Storage.AzuritePorts.SequenceEqual(Launchers.Azurite.DevelopmentStorage.Ports))
        {
            errors.Add($"{SiloHostOptionsReader.Describe("Storage:AzuritePorts")}: UseDevelopmentStorage=true means ports 10000-10002; " +
                "give a devstoreaccount1 connection string with endpoints on the other ports");
        }

        if (string.IsNullOrWhiteSpace(options.Storage.AzuriteDir))
        {
            errors.Add($"{SiloHostOptionsReader.Describe("Storage:AzuriteDir")}: must not be empty");
        }
    }

    // The files themselves are read after this (Tls/SiloTlsMaterial.Load), with errors in the same form.
    private static void ValidateTls(SiloHostOptions options, int[] ports, List<string> errors)
    {
        var (endpoints, tls) = (options.Endpoints, options.Tls);
        if (endpoints.ZooKeeperSecurePort != 0)
        {
            CheckPort(endpoints.ZooKeeperSecurePort, "Endpoints:ZooKeeperSecurePort", errors);
            if (ports.Contains(endpoints.ZooKeeperSecurePort) || endpoints.ZooKeeperSecurePort == endpoints.ZooKeeperPort)
            {
                errors.Add($"{SiloHostOptionsReader.Describe("Endpoints:ZooKeeperSecurePort")}: {endpoints.ZooKeeperSecurePort} is already the silo, gateway, HTTP or ZooKeeper port");
            }

            if (tls.CertificatePath is null)
            {
                errors.Add($"{SiloHostOptionsReader.Describe("Endpoints:ZooKeeperSecurePort")}: needs {SiloHostOptionsReader.Describe("Tls:CertificatePath")}");
            }
        }

        if (tls.KeyPath is not null && tls.CertificatePath is null)
        {
            errors.Add($"{SiloHostOptionsReader.Describe("Tls:KeyPath")}: needs {SiloHostOptionsReader.Describe("Tls:CertificatePath")}");
        }

        if (tls.Grid && (tls.CertificatePath is null || tls.CaPath is null))
        {
            errors.Add($"{SiloHostOptionsReader.Describe("Tls:Grid")}: needs {SiloHostOptionsReader.Describe("Tls:CertificatePath")} and " +
                $"{SiloHostOptionsReader.Describe("Tls:CaPath")}, the CA that signs the silos' and the clients' certificates");
        }

        if (tls.RequireClientCertificate && tls.CaPath is null)
        {
            errors.Add($"{SiloHostOptionsReader.Describe("Tls:RequireClientCertificate")}: needs {SiloHostOptionsReader.Describe("Tls:CaPath")}, the CAs whose certificates it accepts");
        }
    }

    private static void ValidatePostgres(SiloHostOptions.StorageSettings storage, List<string> errors)
    {
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(storage.ConnectionString);
        }
        catch (ArgumentException)
        {
            errors.Add($"{SiloHostOptionsReader.Describe("Storage:ConnectionString")}: not an Npgsql connection string (Host=...;Username=...;Database=...)");
        }

        if (storage.WatchStreams != WatchStreamKind.Memory)
        {
            errors.Add($"{SiloHostOptionsReader.Describe("Storage:WatchStreams")}: the Postgres profile pushes watch events only (Memory)");
        }

        if (string.IsNullOrWhiteSpace(storage.PostgresDir))
        {
            errors.Add($"{SiloHostOptionsReader.Describe("Storage:PostgresDir")}: must not be empty");
        }
    }

    // The table client parses the string the same way the silo will; better a usage error now than a failed start.
    private static bool IsConnectionString(string connectionString)
    {
        try
        {
            _ = new TableServiceClient(connectionString);
            return true;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static void CheckPort(int port, string key, List<string> errors)
    {
        if (port is < 1 or > 65535)
        {
            errors.Add($"{SiloHostOptionsReader.Describe(key)}: {port} is out of range (1-65535{(key is "Endpoints:ZooKeeperPort" or "Endpoints:ZooKeeperSecurePort" or "Proxy:Port" ? ", or 0 for off" : "")})");
        }
    }

    // Ids become Azure Table partition keys, which refuse '/', '\', '#', '?' and control characters;
    // letters, digits, '-', '_' and '.' are safe everywhere.
    private static void CheckId(string id, string key, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(id) || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors.Add($"{SiloHostOptionsReader.Describe(key)}: '{id}' must be letters, digits, '-', '_' or '.'");
        }
    }
}
