using System.Globalization;
using OrleansCoord.Errors;

namespace OrleansCoord.Grains.Recipes.Queues;

/// <summary>
/// Keys of a queue's records, and message ids. A message id is its priority (inverted, so that higher comes first)
/// and its sequence number, both fixed-width hex: the ordinal order of ids is the order of hand-out, and a restart
/// lists the queue from the keys alone, without reading any message.
/// </summary>
internal static class QueueKeys
{
    public const string Prefix = "rq:";

    // Between a queue's name and its message ids: names have no control characters, so no head key holds it.
    private const char MessageSeparator = '\u0001';

    public static string Head(string queue) => Prefix + queue;

    /// <summary>Whether <paramref name="key"/> (under <see cref="Prefix"/>) is a queue's head rather than one of its messages.</summary>
    public static bool IsHead(string key) => !key.Contains(MessageSeparator);

    /// <summary>Prefix of the message records of <paramref name="queue"/> (names have no control characters).</summary>
    public static string Messages(string queue) => Prefix + queue + MessageSeparator;

    public static string Message(string queue, string id) => Messages(queue) + id;

    public static string MessageId(int priority, long seq) =>
        $"{uint.MaxValue - unchecked((uint)(priority ^ int.MinValue)):x8}-{seq:x16}";

    public static int PriorityOf(string id) =>
        unchecked((int)((uint.MaxValue - uint.Parse(id.AsSpan(0, 8), NumberStyles.HexNumber)) ^ 0x80000000u));

    public static string Receipt(string id, int delivery) => $"{id}:{delivery}";

    /// <summary>Splits a receipt; BadArguments when it is not one.</summary>
    public static (string Id, int Delivery) ParseReceipt(string subject, string? receipt)
    {
        var colon = receipt?.LastIndexOf(':') ?? -1;
        if (receipt is null || colon != 25 || !int.TryParse(receipt.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var delivery)
            || delivery < 1 || receipt[8] != '-' || !IsHex(receipt.AsSpan(0, 8)) || !IsHex(receipt.AsSpan(9, 16)))
        {
            throw CoordException.BadArguments(subject, $"'{receipt}' is not a receipt of this queue");
        }

        return (receipt[..colon], delivery);
    }

    private static bool IsHex(ReadOnlySpan<char> text) => !text.ContainsAnyExcept("0123456789abcdef");
}
