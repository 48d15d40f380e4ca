using System.Net;
using OrleansCoord.Acls;
using OrleansCoord.Errors;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>Whether an ACL grants a permission to a caller, as ZooKeeperServer.checkACL decides (docs/adr/009).</summary>
internal static class AclCheck
{
    /// <summary>True when the ACL lets <paramref name="caller"/> do what <paramref name="perm"/> names.</summary>
    /// <param name="acl">The znode's ACL; null is world:anyone with every permission (records from before ACLs were kept).</param>
    public static bool Allows(IReadOnlyList<AclEntry>? acl, AclPerms perm, IReadOnlyList<AuthId> caller)
    {
        if (acl is null || acl.Count == 0) return true;
        foreach (var id in caller)
        {
            if (id.Scheme == AuthId.Super.Scheme) return true;
        }

        foreach (var entry in acl)
        {
            if ((entry.Perms & perm) == 0) continue;
            if (entry.Scheme == "world" && entry.Id == "anyone") return true;
            foreach (var id in caller)
            {
                if (id.Scheme == entry.Scheme && Matches(entry, id.Id)) return true;
            }
        }

        return false;
    }

    /// <summary>Throws NoAuth unless <see cref="Allows"/>.</summary>
    public static void Demand(string path, IReadOnlyList<AclEntry>? acl, AclPerms perm, IReadOnlyList<AuthId> caller)
    {
        if (!Allows(acl, perm, caller)) throw CoordException.NoAuth(path, $"{AclEntry.PermsText(perm)} not granted");
    }

    /// <summary>What getACL shows a caller without ADMIN: digest hashes hidden (<c>user:x</c>), as ZooKeeper 3.6+ does.</summary>
    public static AclEntry[] Redacted(IReadOnlyList<AclEntry> acl) =>
        acl.Select(e => e.Scheme == "digest" && e.Id.IndexOf(':') is var colon and >= 0 ? e with { Id = e.Id[..colon] + ":x" } : e).ToArray();

    private static bool Matches(AclEntry entry, string id) => entry.Scheme switch
    {
        "digest" or "x509" => entry.Id == id,
        "ip" => IPAddress.TryParse(id, out var address) && IpMatches(entry.Id, address),
        _ => false,
    };

    private static bool IpMatches(string expression, IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (expression.IndexOf('/') < 0) return IPAddress.TryParse(expression, out var exact) && exact.Equals(address);
        return Acl.TryParseNetwork(expression, out var network) && network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address);
    }
}
