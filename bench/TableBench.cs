using System.CommandLine;
using Azure;
using Azure.Data.Tables;

namespace OrleansCoord.Bench;

/// <summary>
/// <c>bench table</c>: Azure Table storage alone (Azurite here), with the requests the tree store sends: entity-group
/// transactions of up to 100 entities shaped like znode records (one binary property and a length, one partition),
/// a few in flight. What it reaches is the ceiling for the grid's durable writes on the same storage.
/// </summary>
public static class TableBench
{
    private static readonly string[] AllPhases = ["insert", "merge", "replace", "delete"];

    public static Command Command()
    {
        var connection = new Option<string>("--connection-string") { Description = "Azure Storage connection string", Required = true };
        var entities = new Option<int>("--entities") { Description = "Entities per phase (they stay in the table until delete)", DefaultValueFactory = _ => 20000 };
        var batch = new Option<int>("--batch") { Description = "Entities per transaction (at most 100)", DefaultValueFactory = _ => 95 };
        var inFlight = new Option<int>("--in-flight") { Description = "Transactions outstanding at once", DefaultValueFactory = _ => 3 };
        var size = new Option<int>("--size") { Description = "Bytes of data per entity", DefaultValueFactory = _ => 1024 };
        var phases = new Option<string>("--phases") { Description = "Comma-separated subset of " + string.Join(',', AllPhases), DefaultValueFactory = _ => string.Join(',', AllPhases) };
        var command = new Command("table", "Benchmark Azure Table transactions shaped like the tree store's (the durable writes' ceiling)")
        {
            connection, entities, batch, inFlight, size, phases,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var phaseList = parse.GetValue(phases)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var (count, perTransaction, outstanding, bytes) = (parse.GetValue(entities), parse.GetValue(batch), parse.GetValue(inFlight), parse.GetValue(size));
            if (phaseList.Length == 0 || phaseList.Except(AllPhases).Any() || count < 1 || perTransaction is < 1 or > 100 || outstanding < 1 || bytes is < 0 or > 64 * 1024)
            {
                Console.Error.WriteLine($"--phases: subset of {string.Join(',', AllPhases)}; --entities, --in-flight positive; --batch 1-100; --size 0-65536");
                return 2;
            }

            var table = new TableServiceClient(parse.GetValue(connection)).GetTableClient($"bench{Guid.NewGuid():N}");
            await table.CreateAsync(cancellationToken);
            try
            {
                Console.WriteLine($"# target=table entities={count} batch={perTransaction} in-flight={outstanding} size={bytes}; latencies are per transaction");
                Console.WriteLine(Report.Header);
                var data = new byte[bytes];
                Random.Shared.NextBytes(data);
                var transactions = (count + perTransaction - 1) / perTransaction;
                foreach (var phase in phaseList)
                {
                    var result = await PhaseRunner.RunAsync(phase, transactions, outstanding, (_, index) =>
                    {
                        var first = index * perTransaction;
                        var actions = Enumerable.Range(first, Math.Min(perTransaction, count - first)).Select(i => Action(phase, i, data)).ToList();
                        return table.SubmitTransactionAsync(actions, cancellationToken);
                    }, cancellationToken);
                    var done = (result.Ops - result.Errors) * (double)count / transactions;
                    Console.WriteLine(Report.Line(result with { Ops = count, OpsPerSecond = result.Seconds > 0 ? done / result.Seconds : 0 }));
                    if (result.FirstError is { } error) Console.Error.WriteLine($"# {phase}: {error}");
                }
            }
            finally
            {
                await table.DeleteAsync(CancellationToken.None);
            }

            return 0;
        });
        return command;
    }

    private static TableTransactionAction Action(string phase, int index, byte[] data)
    {
        var entity = new TableEntity("tree", $"k{index:D7}") { ["V0"] = data, ["L"] = data.Length };
        return phase switch
        {
            "insert" => new TableTransactionAction(TableTransactionActionType.Add, entity),
            "merge" => new TableTransactionAction(TableTransactionActionType.UpdateMerge, entity, ETag.All),
            "replace" => new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, ETag.All),
            _ => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("tree", entity.RowKey), ETag.All),
        };
    }
}
