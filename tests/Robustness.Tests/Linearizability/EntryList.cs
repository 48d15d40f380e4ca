namespace OrleansCoord.Robustness.Tests.Linearizability;

/// <summary>A call or return of operation <see cref="Id"/> in the checker's doubly linked list.</summary>
internal sealed class Entry(int id, long time, bool isCall)
{
    public int Id { get; } = id;

    public long Time { get; } = time;

    public bool IsCall { get; } = isCall;

    /// <summary>For a call: its return. Null for a return (and for the head).</summary>
    public Entry? Match { get; set; }

    public Entry? Prev { get; set; }

    public Entry? Next { get; set; }

    /// <summary>Takes this call and its return out of the list (the operation is linearized).</summary>
    public void Lift()
    {
        Prev!.Next = Next;
        Next!.Prev = Prev;
        var match = Match!;
        match.Prev!.Next = match.Next;
        if (match.Next is not null) match.Next.Prev = match.Prev;
    }

    /// <summary>Puts this call and its return back where they were (undoes <see cref="Lift"/>).</summary>
    public void Unlift()
    {
        var match = Match!;
        match.Prev!.Next = match;
        if (match.Next is not null) match.Next.Prev = match;
        Prev!.Next = this;
        Next!.Prev = this;
    }
}

/// <summary>
/// Builds the time-ordered list of the calls and returns of the operations with a known outcome, behind a head
/// sentinel. (The checker keeps those of unknown outcome apart: they never return.)
/// </summary>
internal static class EntryList
{
    public static Entry Build(IReadOnlyList<Operation> ops)
    {
        var entries = new List<Entry>(ops.Count * 2);
        for (var i = 0; i < ops.Count; i++)
        {
            if (ops[i].Output.IsUnknown) continue;
            var call = new Entry(i, ops[i].Call, isCall: true);
            var ret = new Entry(i, ops[i].EffectiveReturn, isCall: false);
            call.Match = ret;
            entries.Add(call);
            entries.Add(ret);
        }

        // At equal times a call sorts before a return: operations that touch count as concurrent.
        entries.Sort((a, b) =>
            a.Time != b.Time ? a.Time.CompareTo(b.Time)
            : a.IsCall != b.IsCall ? (a.IsCall ? -1 : 1)
            : a.Id.CompareTo(b.Id));

        var head = new Entry(-1, long.MinValue, isCall: false);
        var previous = head;
        foreach (var entry in entries)
        {
            previous.Next = entry;
            entry.Prev = previous;
            previous = entry;
        }

        return head;
    }
}
