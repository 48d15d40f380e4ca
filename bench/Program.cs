using System.CommandLine;
using OrleansCoord.Bench;
using OrleansCoord.Client;

var server = new Option<string>("--server") { Description = "Gateways, host:port[,host:port]", DefaultValueFactory = _ => "localhost:30000" };
var ops = new Option<int>("--ops") { Description = "Distinct znodes, i.e. operations per phase", DefaultValueFactory = _ => 20000 };
var concurrency = new Option<int>("--concurrency") { Description = "Requests outstanding at once", DefaultValueFactory = _ => 200 };
var size = new Option<int>("--size") { Description = "Bytes of random data per znode", DefaultValueFactory = _ => 1024 };
var phases = new Option<string>("--phases") { Description = "Comma-separated subset of create,set,get,exists,delete", DefaultValueFactory = _ => string.Join(',', GridBench.AllPhases) };
var clients = new Option<int>("--clients") { Description = "CoordClient connections sharing the workers", DefaultValueFactory = _ => 1 };
var warmup = new Option<int>("--warmup") { Description = "Operations per phase in the unreported warm-up (0: none)", DefaultValueFactory = _ => 1000 };
var sessionTimeout = new Option<int>("--session-timeout") { Description = "Session timeout in ms", DefaultValueFactory = _ => 30000 };
var clusterId = new Option<string>("--cluster-id") { Description = "Orleans cluster id of the grid", DefaultValueFactory = _ => "orleanscoord" };
var serviceId = new Option<string>("--service-id") { Description = "Orleans service id of the grid", DefaultValueFactory = _ => "orleanscoord" };
var label = new Option<string?>("--label") { Description = "Free text for the report header and JSON, e.g. storage=Memory" };
var json = new Option<bool>("--json") { Description = "Print a JSON document instead of the table" };
var jsonOut = new Option<FileInfo?>("--json-out") { Description = "Also write the JSON document to this file" };
// A grid whose silos run with --grid-tls (docs/adr/015): the same files as the CLI's --ca/--certificate/--key.
var ca = new Option<string?>("--ca") { Description = "Connect with TLS: PEM bundle of the CAs that signed the silos' certificates" };
var certificate = new Option<string?>("--certificate") { Description = "Client certificate (PEM with its key, or the key in --key) for a TLS gateway" };
var key = new Option<string?>("--key") { Description = "PEM private key of --certificate" };

var grid = new Command("grid", "Benchmark the grid through the .NET SDK (CoordClient)")
{
    server, ops, concurrency, size, phases, clients, warmup, sessionTimeout, clusterId, serviceId, label, json, jsonOut, ca, certificate, key,
};
grid.SetAction(async (parse, cancellationToken) =>
{
    var phaseList = parse.GetValue(phases)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    var unknown = phaseList.Except(GridBench.AllPhases).ToArray();
    if (unknown.Length > 0 || phaseList.Length == 0)
    {
        Console.Error.WriteLine($"unknown phase(s): {string.Join(',', unknown)}; use {string.Join(',', GridBench.AllPhases)}");
        return 2;
    }

    var settings = new BenchSettings("grid", parse.GetValue(server)!, parse.GetValue(ops), parse.GetValue(concurrency),
        parse.GetValue(size), parse.GetValue(clients), parse.GetValue(warmup), phaseList, parse.GetValue(label));
    if (settings.Ops < 1 || settings.Concurrency < 1 || settings.Size < 0 || settings.Clients < 1 || settings.Warmup < 0)
    {
        Console.Error.WriteLine("--ops, --concurrency and --clients must be positive; --size and --warmup not negative");
        return 2;
    }

    var asJson = parse.GetValue(json);
    var log = Console.Error;
    log.WriteLine(Report.Describe(settings));
    var clientOptions = new CoordClientOptions
    {
        Servers = CoordClientOptions.ParseServers(settings.Server),
        SessionTimeout = TimeSpan.FromMilliseconds(parse.GetValue(sessionTimeout)),
        ClusterId = parse.GetValue(clusterId)!,
        ServiceId = parse.GetValue(serviceId)!,
        Tls = parse.GetValue(ca) is { } caPath ? OrleansCoord.Client.Tls.CoordTlsOptions.FromFiles(caPath, parse.GetValue(certificate), parse.GetValue(key)) : null,
    };
    var bench = new GridBench(settings, clientOptions, log);
    IReadOnlyList<PhaseResult> results;
    try
    {
        results = await bench.RunAsync(cancellationToken);
    }
    catch (Exception exception) when (exception is not OperationCanceledException)
    {
        Console.Error.WriteLine($"bench failed: {exception.GetType().Name}: {exception.Message}");
        return 3;
    }


    if (parse.GetValue(jsonOut) is { } file)
    {
        await File.WriteAllTextAsync(file.FullName, Report.ToJson(settings, results), CancellationToken.None);
    }

    if (asJson)
    {
        Console.WriteLine(Report.ToJson(settings, results));
    }
    else
    {
        Console.WriteLine(Report.Describe(settings));
        Console.WriteLine(Report.Header);
        foreach (var result in results) Console.WriteLine(Report.Line(result));
    }

    return results.Any(r => r.Errors > 0) ? 1 : 0;
});

var watcherCounts = new Option<string>("--watchers") { Description = "Comma-separated watcher counts, one run each", DefaultValueFactory = _ => "1,1000" };
var sessions = new Option<int>("--sessions") { Description = "Sessions (clients) the watchers are spread over, at most", DefaultValueFactory = _ => 10 };
var sets = new Option<int>("--sets") { Description = "Sets of the watched znode per run", DefaultValueFactory = _ => 1000 };
var watch = new Command("watch", "Set-to-notification latency of persistent watches, with 1 and 1,000 watchers")
{
    server, watcherCounts, sessions, sets, warmup, sessionTimeout, clusterId, serviceId, label,
};
watch.SetAction(async (parse, cancellationToken) =>
{
    var counts = parse.GetValue(watcherCounts)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(text => int.TryParse(text, out var n) ? n : -1).ToList();
    var setCount = parse.GetValue(sets);
    if (counts.Count == 0 || counts.Any(n => n < 1) || setCount < 1 || parse.GetValue(sessions) < 1 || parse.GetValue(warmup) < 0)
    {
        Console.Error.WriteLine("--watchers must be positive numbers; --sets and --sessions positive; --warmup not negative");
        return 2;
    }

    var clientOptions = new CoordClientOptions
    {
        Servers = CoordClientOptions.ParseServers(parse.GetValue(server)!),
        SessionTimeout = TimeSpan.FromMilliseconds(parse.GetValue(sessionTimeout)),
        ClusterId = parse.GetValue(clusterId)!,
        ServiceId = parse.GetValue(serviceId)!,
    };
    Console.WriteLine($"# target=grid{(parse.GetValue(label) is { } text ? " " + text : "")} server={parse.GetValue(server)} sets={setCount} warmup={Math.Min(parse.GetValue(warmup), setCount)}");
    Console.WriteLine(Report.Header);
    var failed = false;
    foreach (var count in counts)
    {
        var bench = new WatchBench(clientOptions, count, Math.Min(count, parse.GetValue(sessions)), setCount, Math.Min(parse.GetValue(warmup), setCount), Console.Error);
        var result = await bench.RunAsync(cancellationToken);
        Console.WriteLine(Report.Line(result));
        failed |= result.Errors > 0;
    }

    return failed ? 1 : 0;
});

var gridRuns = new Option<FileInfo[]>("--grid") { Description = "`bench grid --json` results", Required = true, AllowMultipleArgumentsPerToken = true };
var referenceRuns = new Option<FileInfo[]>("--reference") { Description = "ZkBench --json results", Required = true, AllowMultipleArgumentsPerToken = true };
var compare = new Command("compare", "Median per phase of several --json results and the ratio grid/reference, as Markdown") { gridRuns, referenceRuns };
compare.SetAction(parse => Compare.Run(
    parse.GetValue(gridRuns)!.Select(f => f.FullName).ToList(), parse.GetValue(referenceRuns)!.Select(f => f.FullName).ToList(), Console.Out));

var summaryRuns = new Argument<FileInfo[]>("results") { Description = "--json results of one target", Arity = ArgumentArity.OneOrMore };
var summary = new Command("summary", "Median per phase of several --json results of one target, as Markdown") { summaryRuns };
summary.SetAction(parse => Compare.Summary(parse.GetValue(summaryRuns)!.Select(f => f.FullName).ToList(), Console.Out));

var root = new RootCommand("OrleansCoord load generator") { grid, watch, compare, summary, RecipeBench.Command(), TableBench.Command() };
return await root.Parse(args).InvokeAsync();
