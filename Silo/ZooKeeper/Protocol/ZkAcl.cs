using System.Net;
using OrleansCoord.Errors;
using OrleansCoord.Silo.ZooKeeper.Jute;

namespace OrleansCoord.Silo.ZooKeeper.Protocol;

/// <summary>One ACL entry: permissions (READ 1, WRITE 2, CREATE 4, DELETE 8, ADMIN 16) for an id in a scheme.</summary>
internal sealed record ZkAcl(int Perms, string Scheme, string Id)
{
    public const int All = 31;

    /// <summary>world:anyone with every permission: what the grid enforces today (docs/adr/009).</summary>
    public static readonly IReadOnlyList<ZkAcl> OpenUnsafe = [new(All, "world", "anyone")];

    public static List<ZkAcl> ReadVector(ref JuteReader reader)
    {
        var count = reader.ReadVectorCount();
        var acls = new List<ZkAcl>(Math.Max(count, 0));
        for (var i = 0; i < count; i++)
        {
            acls.Add(new ZkAcl(reader.ReadInt(), reader.ReadString() ?? "", reader.ReadString() ?? ""));
        }

        return acls;
    }

    public static void WriteVector(JuteWriter writer, IReadOnlyList<ZkAcl> acls)
    {
        writer.WriteInt(acls.Count);
        foreach (var acl in acls)
        {
            writer.WriteInt(acl.Perms);
            writer.WriteString(acl.Scheme);
            writer.WriteString(acl.Id);
        }
    }

    /// <summary>Throws InvalidACL as ZooKeeper does: an empty list, an unknown scheme, a malformed id, bad permissions.</summary>
    public static void Validate(string path, IReadOnlyList<ZkAcl>? acls, bool authenticated)
    {
        if (acls is null || acls.Count == 0) throw new CoordException(CoordErrorCode.InvalidAcl, path, "empty ACL");
        foreach (var acl in acls)
        {
            var valid = acl.Perms is > 0 and <= All && acl.Scheme switch
            {
                "world" => acl.Id == "anyone",
                "digest" => acl.Id.IndexOf(':') > 0 && acl.Id.IndexOf(':') < acl.Id.Length - 1,
                "ip" => IsIpOrSubnet(acl.Id),
                "auth" => authenticated,
                _ => false,
            };
            if (!valid) throw new CoordException(CoordErrorCode.InvalidAcl, path, $"{acl.Scheme}:{acl.Id}:{acl.Perms}");
        }
    }

    private static bool IsIpOrSubnet(string id)
    {
        var slash = id.IndexOf('/');
        return slash < 0 ? IPAddress.TryParse(id, out _) : IPNetwork.TryParse(id, out _);
    }
}
