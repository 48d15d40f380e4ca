namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// Hand-offs (docs/adr/003-atomic-writes.md, item 7): as a parent, the records of children created here and not
/// activated since, published to this silo's <see cref="LocalHandoffs"/>; as a child, taking its own record from a
/// parent on the same silo instead of calling it.
/// </summary>
internal sealed partial class ZNodeGrain
{
    // Made on the first create: most znodes never create a child.
    private CreatedChildren? _handoff;

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // An entry must not outlive the activation that vouches for it.
        if (_handoff is { } handoffs) localHandoffs.Withdraw(_path, handoffs);
        return Task.CompletedTask;
    }

    /// <summary>This parent's hand-offs, published to its silo's <see cref="LocalHandoffs"/> when first made.</summary>
    private CreatedChildren Handoffs()
    {
        if (_handoff is null)
        {
            _handoff = new CreatedChildren();
            localHandoffs.Publish(_path, _handoff);
        }

        return _handoff;
    }

    /// <summary>
    /// The record a parent on this silo handed off for this znode, if any: the parent vouches for it, so no call
    /// to the parent is needed. Taken at most once.
    /// </summary>
    private (ZNodeRecord Record, string Token)? TakeLocalHandoff() => localHandoffs.Take(_path);
}
