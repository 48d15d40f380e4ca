using System.Text.Json.Serialization;
using OrleansCoord.Acls;
using OrleansCoord.Grains.Recipes.Records;

namespace OrleansCoord.Grains.Recipes.Queues;

/// <summary>
/// A queue's head record: the next sequence number, the messages handed out and not acked (with the hand-out
/// count and when they become visible again), and the outcomes of the last requests. Every put, take, ack and
/// release replaces it conditionally; message data lives in records of their own, written once. The head also keeps the
/// queue's ACL (absent: open; docs/adr/018-recipe-acls.md), and is never deleted.
/// </summary>
internal sealed record QueueHead(
    long NextSeq,
    Dictionary<string, InFlight> InFlight,
    List<RecentRequest<QueueOutcome>> Recent,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AclEntry[]? Acl = null)
{
    public static QueueHead Empty => new(0, [], []);

    /// <summary>True when <paramref name="id"/> may be handed out at <paramref name="nowMs"/>.</summary>
    public bool IsVisible(string id, long nowMs) => !InFlight.TryGetValue(id, out var taken) || taken.VisibleAtMs <= nowMs;
}

/// <summary>A message's latest hand-out: which one it was and when the message becomes visible again (Unix ms).</summary>
internal sealed record InFlight(int Delivery, long VisibleAtMs);

/// <summary>What a request decided: the message it put, took, acked or released, and the hand-out.</summary>
internal sealed record QueueOutcome(string MessageId, int Delivery);
