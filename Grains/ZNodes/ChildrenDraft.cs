namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// A znode's children as a pending change sees them: the committed set plus names added and removed,
/// so that a batch on a parent with 100k children does not copy the set.
/// </summary>
internal sealed class ChildrenDraft(SortedSet<string> committed)
{
    private readonly HashSet<string> _added = new(StringComparer.Ordinal);
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);

    public bool Contains(string name) => _added.Contains(name) || (committed.Contains(name) && !_removed.Contains(name));

    public void Add(string name)
    {
        if (!_removed.Remove(name)) _added.Add(name);
    }

    public void Remove(string name)
    {
        if (!_added.Remove(name)) _removed.Add(name);
    }

    /// <summary>The names this change adds or removes.</summary>
    public IEnumerable<string> Changed => _added.Concat(_removed);

    /// <summary>Applies the change to the committed set (after the commit succeeded).</summary>
    public void ApplyTo(SortedSet<string> target)
    {
        foreach (var name in _removed) target.Remove(name);
        foreach (var name in _added) target.Add(name);
    }
}
