using Orleans.Runtime;

namespace OrleansCoord.Grains.Maintenance;

/// <summary>
/// Splits the sweep among the active silos by a stable hash of the key, so each key is touched by one
/// silo. While views of membership differ a key may be touched twice or skipped once; both are harmless.
/// </summary>
internal sealed class SweepShare(IClusterMembershipService membership, ILocalSiloDetails local)
{
    /// <summary>A test for "is this key mine", fixed to the current membership view.</summary>
    public Func<string, bool> Current()
    {
        var active = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress)
            .OrderBy(a => a.ToParsableString(), StringComparer.Ordinal)
            .ToList();
        if (active.Count <= 1) return _ => true;
        var mine = active.IndexOf(local.SiloAddress);
        return key => StableHash.Of(key) % (uint)active.Count == mine;
    }
}
