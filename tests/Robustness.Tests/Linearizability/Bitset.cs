namespace OrleansCoord.Robustness.Tests.Linearizability;

/// <summary>An immutable set of operation indexes with value equality, for the checker's cache.</summary>
internal readonly struct Bitset : IEquatable<Bitset>
{
    private readonly ulong[] _words;
    private readonly int _hash;

    public Bitset(int size) : this(new ulong[(size + 63) / 64], 0)
    {
    }

    private Bitset(ulong[] words, int hash)
    {
        _words = words;
        _hash = hash;
    }

    public Bitset With(int index) => Flip(index);

    public Bitset Without(int index) => Flip(index);

    public bool Equals(Bitset other) => _hash == other._hash && _words.AsSpan().SequenceEqual(other._words);

    public override bool Equals(object? obj) => obj is Bitset other && Equals(other);

    public override int GetHashCode() => _hash;

    private Bitset Flip(int index)
    {
        var words = (ulong[])_words.Clone();
        words[index >> 6] ^= 1UL << index;

        // The hash is kept incrementally: XOR of a per-index mix, so flipping a bit twice restores it.
        return new Bitset(words, _hash ^ Mix(index));
    }

    private static int Mix(int index)
    {
        var x = (uint)index * 0x9E3779B1u;
        x ^= x >> 15;
        x *= 0x85EBCA77u;
        x ^= x >> 13;
        return (int)x;
    }
}
