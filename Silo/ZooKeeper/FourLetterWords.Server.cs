using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Silo.ZooKeeper;

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

    private string Monitor(long nodes)
    {
        var (min, avg, max) = stats.Latency;
        var lines = new (string, object)[]
        {
            ("zk_version", Version), ("zk_server_state", "standalone"),
            ("zk_avg_latency", Math.Round(avg, 4)), ("zk_max_latency", max), ("zk_min_latency", min),
            ("zk_packets_received", stats.Received), ("zk_packets_sent", stats.Sent),
            ("zk_num_alive_connections", stats.Connections.Count), ("zk_outstanding_requests", stats.Outstanding),
            ("zk_znode_count", nodes), ("zk_watch_count", stats.Connections.Keys.Sum(c => c.WatchCount)),
        };
        var text = new StringBuilder();
        foreach (var (key, value) in lines) text.Append(CultureInfo.InvariantCulture, $"{key}\t{value}\n");
        return text.ToString();
    }

    /// <summary>
    /// envi: ZooKeeper's keys in its order (kazoo's server_version reads <c>zookeeper.version</c>); the JVM's own are
    /// <c>&lt;NA&gt;</c>, as ZooKeeper prints a property it does not have, and the runtime's version is added.
    /// </summary>
    private string Environment()
    {
        const long mb = 1024 * 1024;
        var memory = GC.GetGCMemoryInfo();
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var entries = new (string, object)[]
        {
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
        };
        var text = new StringBuilder("Environment:\n");
        foreach (var (key, value) in entries) text.Append(CultureInfo.InvariantCulture, $"{key}={value}\n");
        return text.ToString();
    }

    /// <summary>conf: ZooKeeper's standalone keys. The grid keeps no snapshots or transaction logs of its own (the tree
    /// is in its store), so the data directories are the store's and their sizes 0; no secure port, no connection cap.</summary>
    private string Configuration() => string.Create(CultureInfo.InvariantCulture,
        $"clientPort={clientPort}\nsecureClientPort=-1\ndataDir={dataDir}\ndataDirSize=0\ndataLogDir={dataDir}\ndataLogSize=0\ntickTime=2000\nmaxClientCnxns=0\nminSessionTimeout={ZNodeLimits.MinSessionTimeoutMs}\nmaxSessionTimeout={ZNodeLimits.MaxSessionTimeoutMs}\nclientPortListenBacklog=-1\nserverId=0\n");
}
