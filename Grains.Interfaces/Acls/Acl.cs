using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using OrleansCoord.Errors;

namespace OrleansCoord.Acls;

/// <summary>
/// ZooKeeper's ACL rules that clients and grid share: the usual ACLs, digest ids, and how a create's ACL is validated
/// and resolved against the caller's identities (PrepRequestProcessor.fixupACL). The znode grains enforce ACLs
/// (Grains/ZNodes/AclCheck.cs).
/// </summary>
public static class Acl
{
    /// <summary>world:anyone with every permission (ZooDefs.Ids.OPEN_ACL_UNSAFE): a create's ACL when none is given.</summary>
    public static readonly AclEntry[] OpenUnsafe = [new(AclPerms.All, "world", "anyone")];

    /// <summary>Every permission for the creator's authenticated identities (ZooDefs.Ids.CREATOR_ALL_ACL).</summary>
    public static readonly AclEntry[] CreatorAll = [new(AclPerms.All, "auth", "")];

    /// <summary>world:anyone may read (ZooDefs.Ids.READ_ACL_UNSAFE).</summary>
    public static readonly AclEntry[] ReadUnsafe = [new(AclPerms.Read, "world", "anyone")];

    /// <summary>The digest id of <c>user:password</c>: <c>user:base64(sha1("user:password"))</c>, as ZooKeeper's DigestAuthenticationProvider.</summary>
    public static string Digest(string userPassword)
    {
        var colon = userPassword.IndexOf(':');
        var user = colon < 0 ? userPassword : userPassword[..colon];
        return user + ":" + Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(userPassword)));
    }

    /// <summary>The digest ACL entry for <c>user</c> with <c>password</c> (kazoo's make_digest_acl).</summary>
    public static AclEntry DigestEntry(string user, string password, AclPerms perms) => new(perms, "digest", Digest($"{user}:{password}"));

    /// <summary>
    /// The ACL a create or setACL stores: duplicates dropped, <c>auth</c> entries replaced by the caller's authenticated
    /// (digest, x509) identities. Throws InvalidAcl for an empty list, an unknown scheme, a malformed id, bad permissions,
    /// or <c>auth</c> from a caller without such an identity.
    /// </summary>
    public static AclEntry[] Resolve(string? path, IReadOnlyList<AclEntry?>? acl, IReadOnlyList<AuthId> caller)
    {
        if (acl is null || acl.Count == 0) throw CoordException.InvalidAcl(path, "empty ACL");
        var resolved = new List<AclEntry>(acl.Count);
        foreach (var entry in acl.Distinct())
        {
            if (entry is null) throw CoordException.InvalidAcl(path, "null ACL entry");
            if (entry.Scheme == "auth")
            {
                // ZooKeeper's fixupACL takes the identities whose provider isAuthenticated: digest and x509, not ip.
                var identities = caller.Where(id => id.Scheme is "digest" or "x509").ToList();
                if (identities.Count == 0 || !ValidPerms(entry.Perms))
                    throw CoordException.InvalidAcl(path, "auth: needs an authenticated identity (addauth digest, or a client certificate)");
                resolved.AddRange(identities.Select(id => new AclEntry(entry.Perms, id.Scheme, id.Id)));
                continue;
            }

            Validate(path, entry);
            resolved.Add(entry);
        }

        return resolved.Distinct().ToArray();
    }

    /// <summary>Throws InvalidAcl unless every entry is stored as is (no <c>auth</c>: the caller resolves it first).</summary>
    public static void ValidateResolved(string? path, IReadOnlyList<AclEntry?>? acl)
    {
        if (acl is null || acl.Count == 0) throw CoordException.InvalidAcl(path, "empty ACL");
        foreach (var entry in acl)
        {
            if (entry is null) throw CoordException.InvalidAcl(path, "null ACL entry");
            Validate(path, entry);
        }
    }

    /// <summary>The identity of a wire client's address (<c>ip:ADDRESS</c>; IPv4 for IPv4-mapped addresses).</summary>
    public static AuthId IpIdentity(IPAddress address) =>
        new("ip", (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString());

    /// <summary>ZooKeeper's IP provider takes <c>10.1.2.3/8</c> (host bits set) as the network <c>10.0.0.0/8</c>.</summary>
    public static bool TryParseNetwork(string expression, out IPNetwork network)
    {
        network = default;
        var slash = expression.IndexOf('/');
        if (!IPAddress.TryParse(expression.AsSpan(0, slash), out var address)
            || !int.TryParse(expression.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bits))
            return false;
        var width = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (bits > width) return false;
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(bits - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        network = new IPNetwork(new IPAddress(bytes), bits);
        return true;
    }

    private static void Validate(string? path, AclEntry entry)
    {
        var valid = ValidPerms(entry.Perms) && entry.Id is not null && entry.Scheme switch
        {
            "world" => entry.Id == "anyone",
            "digest" => entry.Id.Split(':').Length == 2,
            "ip" => entry.Id.IndexOf('/') < 0 ? IPAddress.TryParse(entry.Id, out _) : TryParseNetwork(entry.Id, out _),
            // A certificate subject as RFC 2253 writes it (CN=alice,O=Example); matched exactly, as ZooKeeper does.
            "x509" => entry.Id.Contains('=') && entry.Id.Trim().Length == entry.Id.Length,
            _ => false,
        };
        if (!valid) throw CoordException.InvalidAcl(path, $"{entry.Scheme}:{entry.Id}:{(int)entry.Perms}");
    }

    private static bool ValidPerms(AclPerms perms) => ((int)perms & ~(int)AclPerms.All) == 0;
}
