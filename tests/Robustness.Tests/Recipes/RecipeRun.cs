using System.Text;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Robustness.Tests.Linearizability;

namespace OrleansCoord.Robustness.Tests.Recipes;

/// <summary>The end of a run's lock and queue steps: drain the queue, then check and summarise what was recorded.</summary>
public static class RecipeRun
{
    /// <summary>Takes and acks every message left (recorded like the workload's own), waiting for messages still
    /// invisible after a lost reply or an abandoned take; false when the queue is not empty after
    /// <paramref name="limit"/>.</summary>
    public static async Task<bool> DrainAsync(CoordClient client, int checkerClient, string queueName, RecipeLog log, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < until)
        {
            try
            {
                var length = await client.Queues.LengthAsync(queueName);
                if (length is { Ready: 0, InFlight: 0 }) return true;
                var call = log.Now;
                var item = await client.Queues.TakeAsync(queueName, TimeSpan.FromSeconds(1), QueueWorkload.Visibility);
                if (item is null) continue;
                var data = Encoding.UTF8.GetString(item.Data);
                log.Takes.Enqueue(new QueueTake(checkerClient, data, item.Id, item.Delivery, CoordErrorCode.Ok, call, log.Now));
                var ackCall = log.Now;
                await client.Queues.AckAsync(queueName, item.Receipt);
                log.Settles.Enqueue(new QueueSettle(checkerClient, data, item.Delivery, Release: false, CoordErrorCode.Ok, ackCall, log.Now));
            }
            catch (CoordException exception) when (HistoryRecorder.IsOutcomeUnknown(exception.Code))
            {
                // Whatever it took comes back after its visibility timeout.
                await Task.Delay(200);
            }
        }

        return false;
    }

    public static IEnumerable<string> Check(RecipeLog log)
    {
        var holds = log.Holds.ToList();
        var (puts, takes, settles) = (log.Puts.ToList(), log.Takes.ToList(), log.Settles.ToList());
        return LockChecks.NeverTwoHolders(holds)
            .Concat(LockChecks.TokensIncrease(holds))
            .Concat(LockChecks.LostSeen(holds))
            .Concat(QueueChecks.NoPutLost(puts, takes, settles))
            .Concat(QueueChecks.AtMostOneTaker(takes, settles, QueueWorkload.Visibility))
            .Concat(QueueChecks.PriorityFifo(puts, takes));
    }

    public static IEnumerable<string> Summarize(RecipeLog log)
    {
        var holds = log.Holds.ToList();
        yield return $"lock grants: {holds.Count} ({holds.Count(h => h.LostAt >= 0)} saw Lost; releases: {Outcomes(holds.Select(h => h.Release))})";
        yield return $"queue puts: {log.Puts.Count} ({Outcomes(log.Puts.Select(p => p.Code?.ToString()))}), "
            + $"hand-outs: {log.Takes.Count(t => t.Data is not null)} ({log.Takes.Count(t => t.Delivery > 1)} redeliveries), "
            + $"failed takes: {Outcomes(log.Takes.Where(t => t.Data is null).Select(t => t.Code?.ToString()))}, "
            + $"acks: {Outcomes(log.Settles.Where(s => !s.Release).Select(s => s.Code?.ToString()))}, "
            + $"releases: {Outcomes(log.Settles.Where(s => s.Release).Select(s => s.Code?.ToString()))}";
        if (!log.Counts.IsEmpty) yield return $"recipe steps: {string.Join(", ", log.Counts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"))}";
    }

    private static string Outcomes(IEnumerable<string?> codes) =>
        string.Join(", ", codes.GroupBy(c => c ?? "unknown").OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}")) is { Length: > 0 } text ? text : "none";
}
