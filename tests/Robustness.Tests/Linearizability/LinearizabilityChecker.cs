using System.Diagnostics;

namespace OrleansCoord.Robustness.Tests.Linearizability;

/// <summary>
/// Decides whether a history of operations on versioned registers is linearizable: the Wing–Gong algorithm
/// with Lowe's memoisation, as porcupine implements it, plus reductions for operations of unknown outcome. Keys are
/// independent (P-compositionality: a history is linearizable iff each key's sub-history is), so each key is
/// checked on its own.
/// </summary>
/// <remarks>
/// Per key, the calls and returns of the operations with a known outcome, sorted by time, form a doubly linked
/// list. The search walks it: at a call it tries to linearize that operation now (the model accepts it and the
/// configuration after it was not explored before), lifting the call and its return out of the list and starting
/// again at the head. At the first return it has met an operation that must already have taken effect; before
/// backtracking to the last choice it tries the operations of unknown outcome called by then. The search is done
/// when every known operation is placed.
/// <para>
/// Operations of unknown outcome never return, so a plain search can place them at every step, in every subset,
/// and a long soak's history with a few hundred of them does not finish. Three reductions, none of which changes
/// the verdict: interchangeable ones are placed as counts, not subsets, and data nobody read is one placeholder
/// (<see cref="KeyHistory"/>); one is only placed where it takes effect (one that changes nothing might as well come
/// last, after every known operation, where any answer fits); and a configuration is skipped when one with the same
/// known operations and state, with no more of each class placed, was explored before (it had every choice this one
/// has, and some more).
/// </para>
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
        var prepared = KeyHistory.Prepare(history);
        var ops = prepared.Model;
        var classes = prepared.Classes;
        var head = EntryList.Build(ops);
        var known = new LinearizedSet();
        var placed = new int[classes.Length];
        var explored = new ExploredConfigurations();
        var knownLeft = ops.Count(op => !op.Output.IsUnknown);
        Choice? calls = null;
        Choice? longest = null;
        var state = RegisterState.Absent;

        // Where the search stands at this depth: walking the list (unknownClass < 0), or trying the classes of
        // unknown outcome called by the first return (firstReturn).
        var entry = head.Next;
        var unknownClass = -1;
        var firstReturn = 0L;
        long steps = 0;

        while (knownLeft > 0)
        {
            if (++steps % 4096 == 0 && Stopwatch.GetTimestamp() > deadline)
                return new KeyVerdict(key, Verdict.Unknown, ops.Length, [], []);

            Choice? next = null;
            if (unknownClass < 0 && entry!.IsCall)
            {
                if (VersionedRegister.Step(state, ops[entry.Id], out var after) && explored.Add(known.With(entry.Id), after, placed))
                {
                    next = new Choice(entry.Id, entry, -1, firstReturn, state, calls);
                    state = after;
                    known.Add(entry.Id);
                    knownLeft--;
                    entry.Lift();
                }
                else
                {
                    entry = entry.Next;
                }
            }
            else if (unknownClass < 0)
            {
                firstReturn = entry!.Time;
                unknownClass = 0;
            }
            else if (unknownClass < classes.Length)
            {
                var members = classes[unknownClass];
                if (placed[unknownClass] < members.Length && ops[members[placed[unknownClass]]].Call <= firstReturn)
                {
                    var id = members[placed[unknownClass]];
                    placed[unknownClass]++;
                    if (VersionedRegister.Step(state, ops[id], out var after) && after != state && explored.Add((known.Low, known.High), after, placed))
                    {
                        next = new Choice(id, null, unknownClass, firstReturn, state, calls);
                        state = after;
                    }
                    else
                    {
                        placed[unknownClass]--;
                    }
                }

                if (next is null) unknownClass++;
            }
            else
            {
                // Nothing fits before the first return: undo the last choice and try the one after it.
                if (calls is null) return Illegal(key, prepared.Recorded, Order(longest));
                var undo = calls;
                calls = undo.Previous;
                state = undo.Before;
                firstReturn = undo.FirstReturn;
                if (undo.Entry is { } undone)
                {
                    known.Remove(undone.Id);
                    knownLeft++;
                    undone.Unlift();
                    entry = undone.Next;
                    unknownClass = -1;
                }
                else
                {
                    placed[undo.UnknownClass]--;
                    unknownClass = undo.UnknownClass + 1;
                }

                continue;
            }

            if (next is not null)
            {
                calls = next;
                if (calls.Depth > (longest?.Depth ?? 0)) longest = calls;
                entry = head.Next;
                unknownClass = -1;
            }
        }

        return new KeyVerdict(key, Verdict.Linearizable, ops.Length, Order(calls).Select(i => prepared.Recorded[i]).ToArray(), []);
    }

    private static KeyVerdict Illegal(string key, Operation[] ops, int[] longest)
    {
        var placed = new HashSet<int>(longest);
        var remaining = Enumerable.Range(0, ops.Length).Where(i => !placed.Contains(i)).ToList();
        var firstReturn = remaining.Where(i => !ops[i].Output.IsUnknown).Min(i => ops[i].EffectiveReturn);
        var stuck = remaining.Where(i => ops[i].Call <= firstReturn).Select(i => ops[i]).ToArray();
        return new KeyVerdict(key, Verdict.Illegal, ops.Length, longest.Select(i => ops[i]).ToArray(), stuck);
    }

    /// <summary>The ops linearized so far, oldest first.</summary>
    private static int[] Order(Choice? last)
    {
        var order = new int[last?.Depth ?? 0];
        for (var choice = last; choice is not null; choice = choice.Previous) order[choice.Depth - 1] = choice.Id;
        return order;
    }

    /// <summary>
    /// One step of the current linearization: the op placed (a known one's list entry, or an unknown one's class),
    /// the state before it and where the search stood. An immutable list, so that keeping the longest linearization
    /// found costs a reference, not a copy.
    /// </summary>
    private sealed class Choice(int id, Entry? entry, int unknownClass, long firstReturn, RegisterState before, Choice? previous)
    {
        public int Id { get; } = id;

        public Entry? Entry { get; } = entry;

        public int UnknownClass { get; } = unknownClass;

        public long FirstReturn { get; } = firstReturn;

        public RegisterState Before { get; } = before;

        public Choice? Previous { get; } = previous;

        public int Depth { get; } = (previous?.Depth ?? 0) + 1;
    }
}
