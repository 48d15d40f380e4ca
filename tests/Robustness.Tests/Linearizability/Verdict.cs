namespace OrleansCoord.Robustness.Tests.Linearizability;

/// <summary>What the checker concluded.</summary>
public enum Verdict
{
    /// <summary>A linearization exists.</summary>
    Linearizable,

    /// <summary>No order of the operations fits both their real-time order and the model: a violation.</summary>
    Illegal,

    /// <summary>The search ran out of time before deciding.</summary>
    Unknown,
}

/// <summary>The verdict for one key, with what was found out about it.</summary>
/// <param name="Longest">The longest linearizable prefix the search found (all ops when linearizable).</param>
/// <param name="Stuck">For an illegal key: the ops that could have come next after <see cref="Longest"/>, none of
/// which fits.</param>
public sealed record KeyVerdict(string Key, Verdict Verdict, int Operations, IReadOnlyList<Operation> Longest, IReadOnlyList<Operation> Stuck)
{
    public override string ToString()
    {
        if (Verdict != Verdict.Illegal) return $"{Key}: {Verdict} ({Operations} ops)";
        var tail = Longest.Skip(Math.Max(0, Longest.Count - 6));
        return $"{Key}: Illegal. The longest linearizable prefix orders {Longest.Count} of {Operations} ops, ending with:\n  "
            + string.Join("\n  ", tail)
            + "\nnone of these fits next:\n  " + string.Join("\n  ", Stuck);
    }
}

/// <summary>The verdict for a whole history: illegal if any key is, unknown if any key is undecided.</summary>
public sealed record HistoryVerdict(IReadOnlyList<KeyVerdict> Keys)
{
    public Verdict Verdict =>
        Keys.Any(k => k.Verdict == Verdict.Illegal) ? Verdict.Illegal
        : Keys.Any(k => k.Verdict == Verdict.Unknown) ? Verdict.Unknown
        : Verdict.Linearizable;

    public override string ToString() =>
        Verdict == Verdict.Linearizable
            ? $"linearizable ({Keys.Count} keys, {Keys.Sum(k => k.Operations)} ops)"
            : string.Join("\n", Keys.Where(k => k.Verdict != Verdict.Linearizable));
}
