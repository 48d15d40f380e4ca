using System.Text;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>What the fast path does with a request header.</summary>
internal enum HeaderKind
{
    /// <summary>Forwarded as it came.</summary>
    Forward,

    /// <summary>Not forwarded: hop-by-hop (YARP's list) or replaced (Host, X-Forwarded-*, Forwarded).</summary>
    Drop,

    Host,

    ContentLength,

    Connection,

    /// <summary>A request the fast path leaves to Kestrel and YARP (Transfer-Encoding, Expect, Upgrade).</summary>
    NotHandled,
}

/// <summary>Request header names and their <see cref="HeaderKind"/>; the hop-by-hop ones are YARP 2.3's
/// (RequestUtilities), so both paths send the upstream the same headers.</summary>
internal static class HeaderKinds
{
    // YARP 2.3's hop-by-hop headers, not passed on in either direction.
    private static readonly string[] HopByHop =
    [
        "Connection", "Transfer-Encoding", "Keep-Alive", "Upgrade", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authentication-Info",
        "Proxy-Authorization", "Proxy-Features", "Proxy-Instruction", "Security-Scheme", "ALPN", "Close", "HTTP2-Settings",
        "Upgrade-Insecure-Requests", "TE", "Alt-Svc",
    ];

    // The first match wins: the request headers the fast path reads or refuses, then the hop-by-hop rest, then the
    // forwarding headers YARP's default X-Forwarded transforms set (and Forwarded, which they drop): the fast path
    // writes its own.
    private static readonly (byte[] Name, HeaderKind Kind)[] Known =
    [
        .. new (string, HeaderKind)[]
        {
            ("Host", HeaderKind.Host),
            ("Content-Length", HeaderKind.ContentLength),
            ("Connection", HeaderKind.Connection),
            ("Transfer-Encoding", HeaderKind.NotHandled),
            ("Expect", HeaderKind.NotHandled),
            ("Upgrade", HeaderKind.NotHandled),
        }
        .Concat(HopByHop.Select(name => (name, HeaderKind.Drop)))
        .Concat(new[] { "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix", "Forwarded" }.Select(name => (name, HeaderKind.Drop)))
        .DistinctBy(k => k.Item1, StringComparer.OrdinalIgnoreCase)
        .Select(k => (Encoding.ASCII.GetBytes(k.Item1), k.Item2)),
    ];

    // Content-Length and Transfer-Encoding of answers are the relay's.
    private static readonly byte[][] HopByHopResponse = [.. HopByHop.Select(Encoding.ASCII.GetBytes)];

    /// <summary>Response headers YARP does not pass on to the client.</summary>
    public static bool IsHopByHopResponse(ReadOnlySpan<byte> name)
    {
        foreach (var known in HopByHopResponse)
        {
            if (known.Length == name.Length && Ascii.EqualsIgnoreCase(known, name)) return true;
        }

        return false;
    }

    public static HeaderKind Of(ReadOnlySpan<byte> name)
    {
        foreach (var (known, kind) in Known)
        {
            if (known.Length == name.Length && Ascii.EqualsIgnoreCase(known, name)) return kind;
        }

        return HeaderKind.Forward;
    }
}
