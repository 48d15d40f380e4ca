using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using OrleansCoord.Grains.Sessions;
using OrleansCoord.ZNodes;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>The words about the server itself: srvr, stat, mntr, envi, conf.</summary>
internal sealed partial class FourLetterWords
{
    private string Server(long nodes)
    {
        var (min, avg, max) = stats.Latency;
        return string.Create(CultureInfo.InvariantCulture,
            $"Zookeeper version: {Version}, built on {stats.Started:yyyy-MM-dd}\nLatency min/avg/max: {min}/{avg:0.####}/{max}\nReceived: {stats.Received}\nSent: {stats.Sent}\nConnections: {stats.Connections.Count}\nOutstanding: {stats.Outstanding}\nZxid: 0x0\nMode: standalone\nNode count: {nodes}\n");
    }

    private string Status(long nodes, string asker)
    {
        var text = Server(nodes);
        var firstLine = text.IndexOf('\n') + 1;
        return text[..firstLine] + "Clients:\n" + Connections(asker) + "\n" + text[firstLine..];
    }

    private string Monitor(long nodes, SessionCensus.Counts census)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in MonitorFigures(nodes, census)) text.Append(CultureInfo.InvariantCulture, $"zk_{key}\t{value}\n");
        return text.ToString();
    }

    /// <summary>mntr's figures without ZooKeeper's <c>zk_</c> prefix (the AdminServer's <c>monitor</c> keys). Read from
    /// the sources <c>/metrics</c> reads (<see cref="ZkServerStats"/>, <see cref="SessionCensus"/>), never counted apart.</summary>
    private (string Key, object Value)[] MonitorFigures(long nodes, SessionCensus.Counts census)
    {
        var (min, avg, max) = stats.Latency;
        return
        [
            ("version", Version), ("server_state", "standalone"),
            ("avg_latency", Math.Round(avg, 4)), ("max_latency", max), ("min_latency", min),
            ("packets_received", stats.Received), ("packets_sent", stats.Sent),
            ("num_alive_connections", stats.Connections.Count), ("outstanding_requests", stats.Outstanding),
            ("znode_count", nodes), ("watch_count", stats.WatchCount), ("ephemerals_count", census.Ephemerals),
            ("uptime", (long)(DateTimeOffset.UtcNow - stats.Started).TotalMilliseconds),
            ("open_file_descriptor_count", OpenFileDescriptors()), ("max_file_descriptor_count", MaxFileDescriptors()),
        ];
    }

    /// <summary>The process's open descriptors, as ZooKeeper reads them from the JVM on Unix; -1 where /proc is not there.</summary>
    private static long OpenFileDescriptors()
    {
        try
        {
            return Directory.GetFileSystemEntries("/proc/self/fd").LongLength;
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }

    /// <summary>The soft limit on open files ("Max open files" in /proc/self/limits); -1 when unknown or unlimited.</summary>
    private static long MaxFileDescriptors()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var fields = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: > 0 } && long.TryParse(fields[0], CultureInfo.InvariantCulture, out var soft) ? soft : -1;
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }

    /// <summary>
    /// envi: ZooKeeper's keys in its order (kazoo's server_version reads <c>zookeeper.version</c>); the JVM's own are
    /// <c>&lt;NA&gt;</c>, as ZooKeeper prints a property it does not have, and the runtime's version is added.
    /// </summary>
    private string Environment()
    {
        var text = new StringBuilder("Environment:\n");
        foreach (var (key, value) in EnvironmentEntries()) text.Append(CultureInfo.InvariantCulture, $"{key}={value}\n");
        return text.ToString();
    }

    private (string Key, object Value)[] EnvironmentEntries()
    {
        const long mb = 1024 * 1024;
        var memory = GC.GetGCMemoryInfo();
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return
        [
            ("zookeeper.version", $"{Version}, built on {stats.Started:MM/dd/yyyy HH:mm} GMT"),
            ("host.name", System.Net.Dns.GetHostName()),
            ("java.version", "<NA>"), ("java.vendor", "<NA>"), ("java.home", "<NA>"), ("java.class.path", "<NA>"),
            ("java.library.path", "<NA>"), ("java.io.tmpdir", Path.GetTempPath()), ("java.compiler", "<NA>"),
            ("os.name", RuntimeInformation.OSDescription), ("os.arch", RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()),
            ("os.version", System.Environment.OSVersion.Version), ("user.name", System.Environment.UserName),
            ("user.home", System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile)),
            ("user.dir", System.Environment.CurrentDirectory),
            ("os.memory.free", $"{Math.Max(0, memory.TotalAvailableMemoryBytes - process.WorkingSet64) / mb}MB"),
            ("os.memory.max", $"{memory.TotalAvailableMemoryBytes / mb}MB"),
            ("os.memory.total", $"{process.WorkingSet64 / mb}MB"),
            ("dotnet.version", RuntimeInformation.FrameworkDescription),
        ];
    }

    /// <summary>conf: ZooKeeper's standalone keys. The grid keeps no snapshots or transaction logs of its own (the tree
    /// is in its store), so the data directories are the store's and their sizes 0; no connection cap.</summary>
    private string Configuration()
    {
        var text = new StringBuilder();
        foreach (var (key, _, value) in ConfigurationEntries()) text.Append(CultureInfo.InvariantCulture, $"{key}={value}\n");
        return text.ToString();
    }

    /// <summary>conf's keys as the word prints them, and as the AdminServer's <c>configuration</c> names them (null: not there).</summary>
    private (string Key, string? AdminKey, object Value)[] ConfigurationEntries() =>
    [
        ("clientPort", "client_port", clientPort), ("secureClientPort", secureClientPort > 0 ? "secure_client_port" : null, secureClientPort > 0 ? secureClientPort : -1),
        ("dataDir", "data_dir", dataDir),
        ("dataDirSize", null, 0), ("dataLogDir", "data_log_dir", dataDir), ("dataLogSize", null, 0), ("tickTime", "tick_time", 2000),
        ("maxClientCnxns", "max_client_cnxns", 0), ("minSessionTimeout", "min_session_timeout", ZNodeLimits.MinSessionTimeoutMs),
        ("maxSessionTimeout", "max_session_timeout", ZNodeLimits.MaxSessionTimeoutMs), ("clientPortListenBacklog", "client_port_listen_backlog", -1),
        ("serverId", "server_id", 0),
    ];
}
