using System.Collections.Concurrent;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// The <see cref="CreatedChildren"/> of the parent activations on this silo, by parent path: a child activating
/// on its parent's silo takes the record its parent handed off without a grain call to the parent
/// (docs/adr/003-atomic-writes.md, "first activation"). A child on another silo asks the parent (<c>HasChild</c>).
/// </summary>
/// <remarks>A parent publishes its hand-offs when it first has one and withdraws them (emptied) when it deactivates,
/// so an entry never outlives the activation that vouches for it.</remarks>
internal sealed class LocalHandoffs
{
    private readonly ConcurrentDictionary<string, CreatedChildren> _byParent = new(StringComparer.Ordinal);

    public void Publish(string parentPath, CreatedChildren handoffs) => _byParent[parentPath] = handoffs;

    public void Withdraw(string parentPath, CreatedChildren handoffs)
    {
        _byParent.TryRemove(KeyValuePair.Create(parentPath, handoffs));
        handoffs.Clear();
    }

    /// <summary>The record and token a parent on this silo handed off for <paramref name="path"/>, taken (at most once).</summary>
    public (ZNodeRecord Record, string Token)? Take(string path) =>
        _byParent.TryGetValue(ZNodePath.Parent(path), out var handoffs) ? handoffs.Take(ZNodePath.Name(path)) : null;
}
