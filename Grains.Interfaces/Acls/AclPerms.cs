namespace OrleansCoord.Acls;

/// <summary>ZooKeeper's permissions (ZooDefs.Perms), with its bit values, so they go over the wire unchanged.</summary>
[Flags]
public enum AclPerms
{
    None = 0,

    /// <summary>getData, getChildren, getAllChildrenNumber, getACL, and a multi's check op.</summary>
    Read = 1,

    /// <summary>setData.</summary>
    Write = 2,

    /// <summary>Creating a child (checked on the parent).</summary>
    Create = 4,

    /// <summary>Deleting a child (checked on the parent).</summary>
    Delete = 8,

    /// <summary>setACL (and seeing digest hashes in getACL).</summary>
    Admin = 16,

    All = Read | Write | Create | Delete | Admin,
}
