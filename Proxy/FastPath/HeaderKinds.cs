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
    private static readonly (byte[] Name, HeaderKind Kind)[] Known = new (string, HeaderKind)[]
    {
        ("Host", HeaderKind.Host),
        ("Content-Length", HeaderKind.ContentLength),
        ("Connection", HeaderKind.Connection),
        ("Transfer-Encoding", HeaderKind.NotHandled),
        ("Expect", HeaderKind.NotHandled),
        ("Upgrade", HeaderKind.NotHandled),
        ("Keep-Alive", HeaderKind.Drop),
        ("TE", HeaderKind.Drop),
        ("Proxy-Connection", HeaderKind.Drop),
        ("Proxy-Authenticate", HeaderKind.Drop),
        ("Proxy-Authentication-Info", HeaderKind.Drop),
        ("Proxy-Authorization", HeaderKind.Drop),
        ("Proxy-Features", HeaderKind.Drop),
        ("Proxy-Instruction", HeaderKind.Drop),
        ("Security-Scheme", HeaderKind.Drop),
        ("ALPN", HeaderKind.Drop),
        ("Close", HeaderKind.Drop),
        ("HTTP2-Settings", HeaderKind.Drop),
        ("Upgrade-Insecure-Requests", HeaderKind.Drop),
        ("Alt-Svc", HeaderKind.Drop),
        // YARP's default X-Forwarded transforms set these (and drop Forwarded); the fast path writes its own.
        ("X-Forwarded-For", HeaderKind.Drop),
        ("X-Forwarded-Proto", HeaderKind.Drop),
        ("X-Forwarded-Host", HeaderKind.Drop),
        ("X-Forwarded-Prefix", HeaderKind.Drop),
        ("Forwarded", HeaderKind.Drop),
    }.Select(k => (Encoding.ASCII.GetBytes(k.Item1), k.Item2)).ToArray();

    // YARP's response exclusions: the same hop-by-hop list. Content-Length and Transfer-Encoding are the relay's.
    private static readonly byte[][] HopByHopResponse = new[]
    {
        "Connection", "Transfer-Encoding", "Keep-Alive", "Upgrade", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authentication-Info",
        "Proxy-Authorization", "Proxy-Features", "Proxy-Instruction", "Security-Scheme", "ALPN", "Close", "HTTP2-Settings",
        "Upgrade-Insecure-Requests", "TE", "Alt-Svc",
    }.Select(Encoding.ASCII.GetBytes).ToArray();

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
