using OrleansCoord.ZooKeeper.Server.Protocol;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>
/// One connection's figures as ZooKeeper's <c>cons</c> shows them (last operation, last xid and zxid, latencies),
/// reset by <c>crst</c>. Written by the connection's reader and writer, read by the four-letter words.
/// </summary>
internal sealed class ZkConnectionStats
{
    private readonly Lock _lock = new();
    private string _lastOp = "NA";
    private long _lastCxid = -1;
    private long _lastZxid = -1;
    private long _lastResponseMs;
    private long _lastLatency;
    private long _minLatency = long.MaxValue;
    private long _maxLatency;
    private long _totalLatency;
    private long _count;

    /// <summary>When the connection was established, milliseconds since the epoch (ZooKeeper's <c>est</c>).</summary>
    public long EstablishedMs { get; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public void OnRequest(int type, int xid)
    {
        lock (_lock)
        {
            _lastOp = OperationName(type);
            if (xid >= 0) _lastCxid = xid;
        }
    }

    public void OnReplied(long latencyMs, long zxid)
    {
        lock (_lock)
        {
            if (zxid > 0) _lastZxid = zxid;
            _lastResponseMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            _lastLatency = latencyMs;
            _minLatency = Math.Min(_minLatency, latencyMs);
            _maxLatency = Math.Max(_maxLatency, latencyMs);
            _totalLatency += latencyMs;
            _count++;
        }
    }

    /// <summary>crst: as ZooKeeper's resetStats, the figures start again (the last operation and ids too).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            (_lastOp, _lastCxid, _lastZxid, _lastResponseMs, _lastLatency) = ("NA", -1, -1, 0, 0);
            (_minLatency, _maxLatency, _totalLatency, _count) = (long.MaxValue, 0, 0, 0);
        }
    }

    /// <summary>The part of a <c>cons</c> line after <c>to=</c>, in ZooKeeper's order and format.</summary>
    public string Describe()
    {
        var f = Read();
        var cxid = f.LastCxid >= 0 ? $",lcxid=0x{f.LastCxid:x}" : "";
        return $"{cxid},lzxid=0x{f.LastZxid:x},lresp={f.LastResponseMs},llat={f.LastLatency},minlat={f.MinLatency},avglat={f.AvgLatency},maxlat={f.MaxLatency}";
    }

    /// <summary>The figures at one moment (latencies 0 before the first reply, as ZooKeeper shows them).</summary>
    public Snapshot Read()
    {
        lock (_lock)
        {
            return new Snapshot(_lastOp, _lastCxid, _lastZxid, _lastResponseMs, _lastLatency,
                _count == 0 ? 0 : _minLatency, _count == 0 ? 0 : _totalLatency / _count, _maxLatency);
        }
    }

    public readonly record struct Snapshot(
        string LastOperation, long LastCxid, long LastZxid, long LastResponseMs, long LastLatency, long MinLatency, long AvgLatency, long MaxLatency);

    public string LastOperation
    {
        get
        {
            lock (_lock) return _lastOp;
        }
    }

    /// <summary>ZooKeeper's four-character operation names (FinalRequestProcessor's lastOp).</summary>
    private static string OperationName(int type) => type switch
    {
        OpCode.Create or OpCode.Create2 or OpCode.CreateContainer or OpCode.CreateTtl => "CREA",
        OpCode.Delete or OpCode.DeleteContainer => "DELE",
        OpCode.Exists => "EXIS",
        OpCode.GetData => "GETD",
        OpCode.SetData => "SETD",
        OpCode.GetAcl => "GETA",
        OpCode.SetAcl => "SETA",
        OpCode.GetChildren => "GETC",
        OpCode.GetChildren2 => "GETC",
        OpCode.Sync => "SYNC",
        OpCode.Ping => "PING",
        OpCode.Check => "CHEC",
        OpCode.Multi => "MULT",
        OpCode.MultiRead => "MLTR",
        OpCode.SetWatches => "SETW",
        OpCode.SetWatches2 => "STW2",
        OpCode.AddWatch => "ADDW",
        OpCode.CheckWatches => "CHKW",
        OpCode.RemoveWatches => "REMW",
        OpCode.GetEphemerals => "GETE",
        OpCode.GetAllChildrenNumber => "GETACN",
        OpCode.WhoAmI => "HOMI",
        OpCode.CloseSession => "CLOS",
        _ => "NA",
    };
}
