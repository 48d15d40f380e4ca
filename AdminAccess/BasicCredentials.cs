using System.Text;

namespace OrleansCoord.AdminAccess;

/// <summary>
/// The user and password of an <c>Authorization: Basic</c> header (RFC 7617), read defensively: a header longer than
/// <see cref="MaxHeaderLength"/> is not decoded at all, the base64 must be valid, its bytes strict UTF-8, and the
/// user-id ends at the first colon (so a password may hold colons, a user-id never can).
/// </summary>
internal static class BasicCredentials
{
    /// <summary>Longest header decoded: ample for any real user and password, small enough that decoding costs nothing.</summary>
    public const int MaxHeaderLength = 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The UTF-8 bytes of user and password, or false when the header is absent, not Basic, or malformed.</summary>
    public static bool TryParse(string? header, out byte[] user, out byte[] password)
    {
        user = password = [];
        const string Scheme = "Basic ";
        if (header is null || header.Length > MaxHeaderLength || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) return false;

        var encoded = header.AsSpan(Scheme.Length).Trim();
        var decoded = new byte[encoded.Length]; // base64 never decodes to more bytes than it has characters
        if (encoded.IsEmpty || !Convert.TryFromBase64Chars(encoded, decoded, out var length)) return false;
        var credentials = decoded.AsSpan(0, length);
        try
        {
            _ = StrictUtf8.GetCharCount(credentials);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var colon = credentials.IndexOf((byte)':');
        if (colon < 0) return false;
        user = credentials[..colon].ToArray();
        password = credentials[(colon + 1)..].ToArray();
        return true;
    }
}
