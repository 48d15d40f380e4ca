using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
var cs = args[0] + ";Max Auto Prepare=16;Auto Prepare Min Usages=2;No Reset On Close=true";
var mode = args[1]; int n = int.Parse(args[2]);
await using var ds = NpgsqlDataSource.Create(cs);
var value = new byte[int.Parse(Environment.GetEnvironmentVariable("VSIZE") ?? "1024")];
var lat = new List<double>(n);
// "upd" modes: the update alone; the others: the key's advisory lock, then the update (as PostgresSingleWrite).
NpgsqlBatch Make(int i) {
    var key = "k" + (i % 20000 + 1);
    var b = ds.CreateBatch();
    if (!mode.StartsWith("upd")) {
        var l = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))");
        l.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        b.BatchCommands.Add(l);
    }
    var u = new NpgsqlBatchCommand("UPDATE t SET value = $2, version = nextval('t_version') WHERE key = $1 AND ($3 < 0 OR version = $3) RETURNING version");
    u.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
    u.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlDbType.Bytea });
    u.Parameters.Add(new NpgsqlParameter<long> { TypedValue = -1 });
    b.BatchCommands.Add(u);
    return b;
}
if (mode.EndsWith("async")) {
    for (var i = 0; i < n; i++) {
        var t0 = Stopwatch.GetTimestamp();
        await using var b = Make(i);
        await using (var r = await b.ExecuteReaderAsync()) { if (!mode.StartsWith("upd")) await r.NextResultAsync(); await r.ReadAsync(); r.GetInt64(0); await r.CloseAsync(); }
        lat.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
    }
} else {
    var th = new Thread(() => {
        for (var i = 0; i < n; i++) {
            var t0 = Stopwatch.GetTimestamp();
            using var b = Make(i);
            using (var r = b.ExecuteReader()) { if (!mode.StartsWith("upd")) r.NextResult(); r.Read(); r.GetInt64(0); r.Close(); }
            lat.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
        }
    });
    th.Start(); th.Join();
}
lat.Sort();
Console.WriteLine($"{mode}: p50 {lat[n/2]:F0} us  p90 {lat[n*9/10]:F0} us  mean {lat.Average():F0} us");
