namespace OrleansCoord.Robustness.Tests.Linearizability;

/// <summary>
/// The checker's memo: the configurations (known operations placed, model state, how many of each class of unknown
/// outcome placed) explored so far. A configuration needs no exploring when one with the same known operations and
/// state and no more of any class was explored: whatever can follow this one could follow that one too, with the
/// same members or earlier ones of each class.
/// </summary>
internal sealed class ExploredConfigurations
{
    private readonly Dictionary<(ulong Low, ulong High, RegisterState State), List<int[]>> explored = new();

    /// <summary>Records the configuration; false when it (or one with no more placed of any class) was explored.</summary>
    public bool Add((ulong Low, ulong High) known, RegisterState state, int[] placed)
    {
        var key = (known.Low, known.High, state);
        if (!explored.TryGetValue(key, out var counts))
        {
            explored[key] = [(int[])placed.Clone()];
            return true;
        }

        foreach (var seen in counts)
        {
            if (NoMoreThan(seen, placed)) return false;
        }

        counts.RemoveAll(seen => NoMoreThan(placed, seen));
        counts.Add((int[])placed.Clone());
        return true;
    }

    private static bool NoMoreThan(int[] a, int[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] > b[i]) return false;
        }

        return true;
    }
}
