using System.Diagnostics;

namespace OrleansCoord.Robustness.Tests.Linearizability;

/// <summary>
/// Decides whether a history of operations on versioned registers is linearizable: the Wing–Gong algorithm
/// with Lowe's memoisation, as porcupine implements it. Keys are independent (P-compositionality: a history is
/// linearizable iff each key's sub-history is), so each key is checked on its own.
/// </summary>
/// <remarks>
/// Per key, the calls and returns sorted by time form a doubly linked list. The search walks it: at a call it tries
/// to linearize that operation now (the model accepts it and the pair (set of linearized ops — see LinearizedSet —, model state) was not
/// explored before), lifting the call and its return out of the list and starting again at the head; at a return
/// it has met an operation that must already have taken effect, so it backtracks to the last choice. The list
/// empties exactly when every operation has been placed.
/// </remarks>
public static class LinearizabilityChecker
{
    public static HistoryVerdict Check(IEnumerable<Operation> history, TimeSpan? timeout = null)
    {
        var deadline = timeout is { } t ? Stopwatch.GetTimestamp() + (long)(t.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        var keys = history
            .GroupBy(op => op.Key, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => CheckKey(group.Key, group.ToList(), deadline))
            .ToList();
        return new HistoryVerdict(keys);
    }

    public static KeyVerdict CheckKey(string key, IReadOnlyList<Operation> history, long deadline = long.MaxValue)
    {
        // A read whose answer never came constrains nothing and changes nothing.
        var ops = history.Where(op => !(op.Op == RegisterOp.Get && op.Output.IsUnknown)).ToArray();
        foreach (var op in ops)
        {
            if (op.Output.IsUnknown is false && op.Return is { } end && end < op.Call)
                throw new ArgumentException($"operation returns before it is called: {op}", nameof(history));
        }

        var head = EntryList.Build(ops);
        var linearized = new LinearizedSet();
        var cache = new HashSet<CacheEntry>();
        Choice? calls = null;
        Choice? longest = null;
        var state = RegisterState.Absent;
        var entry = head.Next;
        long steps = 0;

        while (head.Next is not null)
        {
            if (++steps % 4096 == 0 && Stopwatch.GetTimestamp() > deadline)
                return new KeyVerdict(key, Verdict.Unknown, ops.Length, [], []);

            if (entry!.Match is { } _)
            {
                // A call: try to linearize this operation at this point.
                if (VersionedRegister.Step(state, ops[entry.Id], out var next))
                {
                    var (low, high) = linearized.With(entry.Id);
                    if (cache.Add(new CacheEntry(low, high, next)))
                    {
                        calls = new Choice(entry, state, calls);
                        state = next;
                        linearized.Add(entry.Id);
                        entry.Lift();
                        if (calls.Depth > (longest?.Depth ?? 0)) longest = calls;
                        entry = head.Next;
                        continue;
                    }
                }

                entry = entry.Next;
            }
            else
            {
                // A return: this operation must already be placed. Undo the last choice and try the next one.
                if (calls is null)
                {
                    return Illegal(key, ops, Order(longest));
                }

                var call = calls.Call;
                state = calls.Before;
                calls = calls.Previous;
                linearized.Remove(call.Id);
                call.Unlift();
                entry = call.Next;
            }
        }

        return new KeyVerdict(key, Verdict.Linearizable, ops.Length, Order(calls).Select(i => ops[i]).ToArray(), []);
    }

    private static KeyVerdict Illegal(string key, Operation[] ops, int[] longest)
    {
        var placed = new HashSet<int>(longest);
        var remaining = Enumerable.Range(0, ops.Length).Where(i => !placed.Contains(i)).ToList();
        var firstReturn = remaining.Min(i => ops[i].EffectiveReturn);
        var stuck = remaining.Where(i => ops[i].Call <= firstReturn).Select(i => ops[i]).ToArray();
        return new KeyVerdict(key, Verdict.Illegal, ops.Length, longest.Select(i => ops[i]).ToArray(), stuck);
    }

    /// <summary>The ops linearized so far, oldest first.</summary>
    private static int[] Order(Choice? last)
    {
        var order = new int[last?.Depth ?? 0];
        for (var choice = last; choice is not null; choice = choice.Previous) order[choice.Depth - 1] = choice.Call.Id;
        return order;
    }

    private readonly record struct CacheEntry(ulong Low, ulong High, RegisterState State);

    /// <summary>
    /// One step of the current linearization: the op placed and the state before it. An immutable list, so that
    /// keeping the longest linearization found costs a reference, not a copy.
    /// </summary>
    private sealed class Choice(Entry call, RegisterState before, Choice? previous)
    {
        public Entry Call { get; } = call;

        public RegisterState Before { get; } = before;

        public Choice? Previous { get; } = previous;

        public int Depth { get; } = (previous?.Depth ?? 0) + 1;
    }
}
