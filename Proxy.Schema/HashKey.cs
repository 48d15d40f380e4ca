namespace OrleansCoord.Client.Proxy;

/// <summary>Where the consistent-hash policy takes its key from.</summary>
public enum HashKeySource
{
    Header,
    Cookie,
    ClientIp,
    Path,
}

/// <summary>A parsed <c>header:NAME</c>, <c>cookie:NAME</c>, <c>ip</c> or <c>path</c>.</summary>
public sealed record HashKey(HashKeySource Source, string? Name)
{
    /// <summary>Parses the text form; null when it is not one of the four shapes.</summary>
    public static HashKey? TryParse(string? text) => text switch
    {
        "ip" => new HashKey(HashKeySource.ClientIp, null),
        "path" => new HashKey(HashKeySource.Path, null),
        not null when text.StartsWith("header:", StringComparison.Ordinal) && IsToken(text[7..]) => new HashKey(HashKeySource.Header, text[7..]),
        not null when text.StartsWith("cookie:", StringComparison.Ordinal) && IsToken(text[7..]) => new HashKey(HashKeySource.Cookie, text[7..]),
        _ => null,
    };

    // RFC 9110 token characters: what a header or cookie name may contain.
    private static bool IsToken(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));
}
