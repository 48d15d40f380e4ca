using System.Text;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Robustness.Tests.Linearizability;
using OrleansCoord.Robustness.Tests.Recipes;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>
/// One client of the workload: reads and CAS writes (set with the version it last read) on shared registers,
/// creates and deletes of them, unconditional sets of a register of its own, sequential creates, and lock and
/// queue steps (<see cref="LockWorkload"/>, <see cref="QueueWorkload"/>). Each call is recorded with its answer; a
/// client runs one call at a time, so its calls are in program order.
/// </summary>
public sealed class WorkloadClient(int id, CoordClient client, ChaosLayout layout, ChaosLog log, int seed)
{
    private readonly Random _random = new(seed);
    private readonly LockWorkload _lock = new(id, client, layout.RecipeName, log.Recipes, new Random(unchecked(seed * 7 + 1)));
    private readonly QueueWorkload _queue = new(id, client, layout.RecipeName, log.Recipes, new Random(unchecked(seed * 7 + 2)));
    private readonly Dictionary<string, int> _lastVersion = new(StringComparer.Ordinal);
    private int _writes;

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var recipe = _random.Next(100);
            if (recipe < 25)
            {
                await (recipe < 10 ? _lock.StepAsync() : _queue.StepAsync());
                continue;
            }

            var roll = _random.Next(100);
            var shared = layout.SharedKey(_random.Next(layout.SharedKeys));
            var step = roll switch
            {
                < 30 => GetAsync(shared),
                < 60 => SetAsync(shared, _random.Next(10) == 0 ? -1 : _lastVersion.GetValueOrDefault(shared)),
                < 65 => CreateAsync(shared),
                < 70 => DeleteAsync(shared, _lastVersion.GetValueOrDefault(shared)),
                < 85 => SetAsync(layout.OwnKey(id), -1),
                _ => SequentialAsync(),
            };
            await step;
            await Task.Delay(_random.Next(1, 6), CancellationToken.None);
        }
    }

    private string NextData() => $"c{id}-{++_writes}";

    private Task GetAsync(string key) => Record(key, RegisterOp.Get, new OpInput(), async () =>
    {
        var read = await client.GetDataAsync(key);
        _lastVersion[key] = read.Stat.Version;
        log.Saw(id, write: false, read.Stat.Mzxid, $"get {key}");
        return new OpOutput(CoordErrorCode.Ok, Encoding.UTF8.GetString(read.Data), read.Stat.Version, read.Stat.Mzxid);
    });

    private Task SetAsync(string key, int version)
    {
        var data = NextData();
        return Record(key, RegisterOp.Set, new OpInput(data, version), async () =>
        {
            var stat = await client.SetDataAsync(key, Encoding.UTF8.GetBytes(data), version);
            _lastVersion[key] = stat.Version;
            log.Saw(id, write: true, stat.Mzxid, $"set {key}");
            return new OpOutput(CoordErrorCode.Ok, Version: stat.Version, Revision: stat.Mzxid);
        });
    }

    private Task CreateAsync(string key)
    {
        var data = NextData();
        return Record(key, RegisterOp.Create, new OpInput(data), async () =>
        {
            var created = await client.Create2Async(key, Encoding.UTF8.GetBytes(data));
            _lastVersion[key] = 0;
            log.Saw(id, write: true, created.Stat.Czxid, $"create {key}");
            return new OpOutput(CoordErrorCode.Ok, Revision: created.Stat.Czxid);
        });
    }

    private Task DeleteAsync(string key, int version) => Record(key, RegisterOp.Delete, new OpInput(Version: version), async () =>
    {
        await client.DeleteAsync(key, version);
        return new OpOutput(CoordErrorCode.Ok);
    });

    private async Task SequentialAsync()
    {
        var call = log.History.Now;
        string? name;
        try
        {
            var created = await client.Create2Async(layout.Sequential + "/s-", Encoding.UTF8.GetBytes(NextData()), CreateMode.PersistentSequential);
            name = ZNodePath.Name(created.Path);
            log.Saw(id, write: true, created.Stat.Czxid, $"create {created.Path}");
        }
        catch (CoordException exception) when (HistoryRecorder.IsOutcomeUnknown(exception.Code) || exception.Code == CoordErrorCode.SessionExpired)
        {
            name = null;
        }

        log.SequentialCreates.Enqueue(new SequentialCreate(id, name, call, log.History.Now));
    }

    private Task Record(string key, RegisterOp op, OpInput input, Func<Task<OpOutput>> request) =>
        log.History.RecordAsync(id, key, op, input, request);
}
