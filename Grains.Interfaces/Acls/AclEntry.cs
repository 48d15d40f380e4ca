using System.Text;
using OrleansCoord.Errors;

namespace OrleansCoord.Acls;

/// <summary>One entry of a znode's ACL: <see cref="Perms"/> for the id <see cref="Id"/> in the scheme <see cref="Scheme"/>
/// (<c>world:anyone</c>, <c>digest:user:base64(sha1(user:password))</c>, <c>ip:10.0.0.0/8</c>; <c>auth:</c> on input only).</summary>
[GenerateSerializer, Immutable, Alias("coord.acl-entry")]
public sealed record AclEntry([property: Id(0)] AclPerms Perms, [property: Id(1)] string Scheme, [property: Id(2)] string Id)
{
    /// <summary>zkCli's text form, <c>scheme:id:perms</c> with perms as letters <c>cdrwa</c> (e.g. <c>world:anyone:r</c>).</summary>
    public override string ToString() => $"{Scheme}:{Id}:{PermsText(Perms)}";

    /// <summary>Parses zkCli's form: entries separated by <c>,</c>, each <c>scheme:id:perms</c> (the id may hold <c>:</c>).</summary>
    /// <exception cref="CoordException">InvalidAcl for text that is not such a list.</exception>
    public static AclEntry[] ParseList(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new CoordException(CoordErrorCode.InvalidAcl, null, "empty ACL");
        return text.Split(',', StringSplitOptions.TrimEntries).Select(Parse).ToArray();
    }

    public static AclEntry Parse(string text)
    {
        var first = text.IndexOf(':');
        var last = text.LastIndexOf(':');
        if (first <= 0 || last == first) throw new CoordException(CoordErrorCode.InvalidAcl, null, $"'{text}' is not scheme:id:perms");
        return new AclEntry(ParsePerms(text[(last + 1)..]), text[..first], text[(first + 1)..last]);
    }

    /// <summary>Letters <c>c d r w a</c> in any order (zkCli's form).</summary>
    public static AclPerms ParsePerms(string letters)
    {
        var perms = AclPerms.None;
        foreach (var letter in letters)
        {
            perms |= letter switch
            {
                'r' => AclPerms.Read,
                'w' => AclPerms.Write,
                'c' => AclPerms.Create,
                'd' => AclPerms.Delete,
                'a' => AclPerms.Admin,
                _ => throw new CoordException(CoordErrorCode.InvalidAcl, null, $"'{letter}' is not one of the permissions cdrwa"),
            };
        }

        return perms;
    }

    /// <summary>The letters zkCli prints, in its order <c>cdrwa</c>.</summary>
    public static string PermsText(AclPerms perms)
    {
        var text = new StringBuilder(5);
        if (perms.HasFlag(AclPerms.Create)) text.Append('c');
        if (perms.HasFlag(AclPerms.Delete)) text.Append('d');
        if (perms.HasFlag(AclPerms.Read)) text.Append('r');
        if (perms.HasFlag(AclPerms.Write)) text.Append('w');
        if (perms.HasFlag(AclPerms.Admin)) text.Append('a');
        return text.ToString();
    }
}
