using System.Text;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Recipes.Queues;
using OrleansCoord.Robustness.Tests.Linearizability;

namespace OrleansCoord.Robustness.Tests.Recipes;

/// <summary>
/// A client's queue steps on the run's queue: puts of unique data at priority 0–2, and takes that are then acked
/// (most), released, or abandoned to their visibility timeout (as a consumer that died would). Every put, take,
/// ack and release is recorded with its call and return times and its outcome.
/// </summary>
public sealed class QueueWorkload(int id, CoordClient client, string queueName, RecipeLog log, Random random)
{
    /// <summary>How long a taken message stays invisible to other takers.</summary>
    public static readonly TimeSpan Visibility = TimeSpan.FromSeconds(4);

    private int _puts;

    public Task StepAsync() => random.Next(2) == 0 ? PutAsync() : TakeAsync();

    private async Task PutAsync()
    {
        var data = $"c{id}-q{++_puts}";
        var priority = random.Next(3);
        var call = log.Now;
        string? messageId = null;
        CoordErrorCode? code;
        try
        {
            messageId = await client.Queues.PutAsync(queueName, Encoding.UTF8.GetBytes(data), priority);
            code = CoordErrorCode.Ok;
        }
        catch (CoordException exception)
        {
            code = HistoryRecorder.IsOutcomeUnknown(exception.Code) ? null : exception.Code;
        }

        log.Puts.Enqueue(new QueuePut(id, data, priority, messageId, code, call, log.Now));
    }

    private async Task TakeAsync()
    {
        var call = log.Now;
        QueueItem? item;
        try
        {
            item = await client.Queues.TakeAsync(queueName, TimeSpan.Zero, Visibility);
        }
        catch (CoordException exception)
        {
            log.Takes.Enqueue(new QueueTake(id, null, null, -1, HistoryRecorder.IsOutcomeUnknown(exception.Code) ? null : exception.Code, call, log.Now));
            return;
        }

        if (item is null)
        {
            log.Count("queue take found nothing");
            return;
        }

        var data = Encoding.UTF8.GetString(item.Data);
        log.Takes.Enqueue(new QueueTake(id, data, item.Id, item.Delivery, CoordErrorCode.Ok, call, log.Now));
        var roll = random.Next(20);
        if (roll == 0) return; // abandoned: it comes back after its visibility timeout
        var release = roll == 1;
        var settleCall = log.Now;
        CoordErrorCode? code;
        try
        {
            if (release) await client.Queues.ReleaseAsync(queueName, item.Receipt);
            else await client.Queues.AckAsync(queueName, item.Receipt);
            code = CoordErrorCode.Ok;
        }
        catch (CoordException exception)
        {
            code = HistoryRecorder.IsOutcomeUnknown(exception.Code) ? null : exception.Code;
        }

        log.Settles.Enqueue(new QueueSettle(id, data, item.Delivery, release, code, settleCall, log.Now));
    }
}

/// <summary>A put: <see cref="Code"/> Ok when acknowledged, null when its outcome is unknown.</summary>
public sealed record QueuePut(int Client, string Data, int Priority, string? MessageId, CoordErrorCode? Code, long Call, long Return);

/// <summary>A take that handed out <see cref="Data"/> (hand-out number <see cref="Delivery"/>), or failed with
/// <see cref="Code"/> (null: unknown outcome, it may have handed out a message nobody saw).</summary>
public sealed record QueueTake(int Client, string? Data, string? MessageId, int Delivery, CoordErrorCode? Code, long Call, long Return);

/// <summary>An ack (or, with <see cref="Release"/>, a release) of one hand-out; <see cref="Code"/> null: unknown outcome.</summary>
public sealed record QueueSettle(int Client, string Data, int Delivery, bool Release, CoordErrorCode? Code, long Call, long Return);
