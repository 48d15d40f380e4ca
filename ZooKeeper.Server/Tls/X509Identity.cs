using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using OrleansCoord.Acls;

namespace OrleansCoord.ZooKeeper.Server.Tls;

/// <summary>
/// The <c>x509:</c> identity of a verified client certificate, formed as ZooKeeper's X509AuthenticationProvider forms
/// it: the subject as Java's <c>X500Principal.getName()</c> writes it (RFC 2253), so that an ACL written for
/// ZooKeeper, <c>x509:CN=alice,OU=dev,O=Example,C=US</c>, names the same client here.
/// </summary>
/// <remarks>
/// RFC 2253's rules as Java applies them: the relative names last-to-first, joined by <c>,</c> (several values of one
/// name by <c>+</c>); CN, C, L, ST, O, OU, STREET, DC and UID by keyword, other attributes as the dotted OID with the
/// value's DER in hex (<c>1.2.840.113549.1.9.1=#16...</c> for an e-mail address); in text values <c>, = + &lt; &gt; # ; " \</c>
/// and leading or trailing spaces escaped with a backslash. .NET's own <c>X500DistinguishedName.Name</c> differs
/// (<c>S=</c>, <c>E=</c>, <c>", "</c>), hence this.
/// </remarks>
public static class X509Identity
{
    /// <summary>ZooKeeper's scheme name.</summary>
    public const string Scheme = "x509";

    private const string Escaped = ",=+<>#;\"\\";

    private static readonly Dictionary<string, string> Keywords = new(StringComparer.Ordinal)
    {
        ["2.5.4.3"] = "CN", ["2.5.4.6"] = "C", ["2.5.4.7"] = "L", ["2.5.4.8"] = "ST", ["2.5.4.10"] = "O",
        ["2.5.4.11"] = "OU", ["2.5.4.9"] = "STREET", ["0.9.2342.19200300.100.1.25"] = "DC", ["0.9.2342.19200300.100.1.1"] = "UID",
    };

    /// <summary>The identity <c>x509:SUBJECT</c> of a certificate TLS verified.</summary>
    public static AuthId For(X509Certificate2 certificate) => new(Scheme, Rfc2253(certificate.SubjectName));

    /// <summary>The distinguished name as Java's <c>X500Principal.getName()</c> (RFC 2253) writes it.</summary>
    public static string Rfc2253(X500DistinguishedName name)
    {
        var names = new List<string>();
        var sequence = new AsnReader(name.RawData, AsnEncodingRules.DER).ReadSequence();
        while (sequence.HasData)
        {
            var set = sequence.ReadSetOf(skipSortOrderValidation: true);
            var values = new List<string>();
            while (set.HasData) values.Add(TypeAndValue(set.ReadSequence()));
            names.Add(string.Join('+', values));
        }

        names.Reverse();
        return string.Join(',', names);
    }

    private static string TypeAndValue(AsnReader attribute)
    {
        var oid = attribute.ReadObjectIdentifier();
        var tag = attribute.PeekTag();
        if (Keywords.TryGetValue(oid, out var keyword) && Text(attribute, tag) is { } text) return keyword + "=" + Escape(text);
        return oid + "=#" + Convert.ToHexStringLower(attribute.ReadEncodedValue().Span);
    }

    private static string? Text(AsnReader attribute, Asn1Tag tag)
    {
        if (tag.TagClass != TagClass.Universal) return null;
        return (UniversalTagNumber)tag.TagValue switch
        {
            UniversalTagNumber.PrintableString or UniversalTagNumber.UTF8String or UniversalTagNumber.IA5String
                or UniversalTagNumber.BMPString or UniversalTagNumber.T61String
                => attribute.ReadCharacterString((UniversalTagNumber)tag.TagValue),
            _ => null,
        };
    }

    private static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length + 4);
        foreach (var c in value)
        {
            if (Escaped.Contains(c)) escaped.Append('\\').Append(c);
            else if (c == '\0') escaped.Append("\\00");
            else escaped.Append(c);
        }

        // Leading and trailing spaces (and carriage returns) are escaped too, so that they survive parsing.
        var text = escaped.ToString();
        var lead = 0;
        while (lead < text.Length && text[lead] is ' ' or '\r') lead++;
        var trail = text.Length - 1;
        while (trail >= lead && text[trail] is ' ' or '\r') trail--;
        if (lead == 0 && trail == text.Length - 1) return text;
        var result = new StringBuilder(text.Length + 4);
        for (var i = 0; i < text.Length; i++)
        {
            if (i < lead || i > trail) result.Append('\\');
            result.Append(text[i]);
        }

        return result.ToString();
    }
}
