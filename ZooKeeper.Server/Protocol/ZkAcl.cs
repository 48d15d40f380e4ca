using OrleansCoord.Acls;
using OrleansCoord.ZooKeeper.Server.Jute;

namespace OrleansCoord.ZooKeeper.Server.Protocol;

/// <summary>The jute layout of ACL lists (a vector of ACL: perms, then the Id's scheme and id) and of whoAmI's ClientInfo.</summary>
internal static class ZkAcl
{
    public static List<AclEntry> ReadVector(ref JuteReader reader)
    {
        var count = reader.ReadVectorCount();
        var acls = new List<AclEntry>(Math.Max(count, 0));
        for (var i = 0; i < count; i++)
        {
            acls.Add(new AclEntry((AclPerms)reader.ReadInt(), reader.ReadString() ?? "", reader.ReadString() ?? ""));
        }

        return acls;
    }

    public static void WriteVector(JuteWriter writer, IReadOnlyList<AclEntry> acls)
    {
        writer.WriteInt(acls.Count);
        foreach (var acl in acls)
        {
            writer.WriteInt((int)acl.Perms);
            writer.WriteString(acl.Scheme);
            writer.WriteString(acl.Id);
        }
    }

    /// <summary>WhoAmIResponse: a vector of ClientInfo (authScheme, user), one per identity of the connection.</summary>
    public static void WriteClientInfos(JuteWriter writer, IReadOnlyList<AuthId> identities)
    {
        writer.WriteInt(identities.Count);
        foreach (var identity in identities)
        {
            writer.WriteString(identity.Scheme);
            writer.WriteString(identity.User);
        }
    }
}
