namespace OrleansCoord.Robustness.Tests.Linearizability;

/// <summary>
/// The set of operations linearized so far, kept only as a 128-bit hash (two sums of per-index mixes, updated in
/// place). Porcupine keeps the set itself in its cache; on a long soak history that is gigabytes. A collision could
/// only make the search skip a state it has not seen, so it could miss a linearization (a false Illegal, which a
/// re-check would show) but never accept an illegal history.
/// </summary>
internal struct LinearizedSet
{
    public ulong Low { get; private set; }

    public ulong High { get; private set; }

    public readonly (ulong Low, ulong High) With(int index) => (Low + Mix(index, 0x9E3779B97F4A7C15UL), High + Mix(index, 0xC2B2AE3D27D4EB4FUL));

    public void Add(int index) => (Low, High) = With(index);

    public void Remove(int index)
    {
        Low -= Mix(index, 0x9E3779B97F4A7C15UL);
        High -= Mix(index, 0xC2B2AE3D27D4EB4FUL);
    }

    // SplitMix64's finaliser over the index and a per-half constant.
    private static ulong Mix(int index, ulong seed)
    {
        var z = (ulong)index * 0xBF58476D1CE4E5B9UL + seed;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
