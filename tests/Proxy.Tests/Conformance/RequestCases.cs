namespace OrleansCoord.Proxy.Tests.Conformance;

/// <summary>One raw request as an attacker sends it, and what the proxy must make of it (<see cref="Outcome"/>'s words).
/// "{p}" stands for the test's path prefix.</summary>
public sealed record RequestCase(string Family, string Name, string Request, string Expected)
{
    /// <summary>A GET pipelined behind the request, only behind a well-framed one (expected "200:N next"): behind a
    /// malformed head its CRLFCRLF would end that head.</summary>
    public string After(string prefix) => Expected.EndsWith(" next", StringComparison.Ordinal) ? $"GET {prefix}/after HTTP/1.1\r\nHost: x\r\n\r\n" : "";
}

/// <summary>
/// The raw request cases of the conformance suite (RFC 9112 §6, RFC 9110 §5.5 and §7.6.1), run against both paths by
/// <see cref="RequestFramingTests"/> and against nginx by <c>NginxComparison</c>. Expected, in
/// <see cref="Outcome"/>'s words: "400 close" (answered 400, then the connection closed, nothing forwarded); "200:N next"
/// (the upstream got an N-byte body and the GET pipelined behind it is answered as its own); "answered" (any answer,
/// not silence).
/// </summary>
public static class RequestCases
{
    private const string Smuggled = "GET {p}/smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    private const string Post = "POST {p}/t HTTP/1.1\r\nHost: x\r\n";
    private const string Chunked = Post + "Transfer-Encoding: chunked\r\n\r\n";

    public static IReadOnlyList<RequestCase> All { get; } =
    [
        .. Family("content-length",
            ("cl-plus", Post + "Content-Length: +5\r\n\r\nhello", "400 close"),
            ("cl-minus-zero", Post + "Content-Length: -0\r\n\r\n", "400 close"),
            ("cl-hex", Post + "Content-Length: 0x5\r\n\r\nhello", "400 close"),
            ("cl-list", Post + "Content-Length: 5, 5\r\n\r\nhello", "400 close"),
            ("cl-inner-space", Post + "Content-Length: 5 5\r\n\r\nhello", "400 close"),
            ("cl-twice-same", Post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "400 close"),
            ("cl-twice-differing", Post + "Content-Length: 5\r\nContent-Length: 41\r\n\r\nhello" + Smuggled, "400 close")),
        // Content-Length with Transfer-Encoding (RFC 9112 §6.1, §6.3): answered 400 and closed, as nginx does, however the
        // Transfer-Encoding is spelt; never framed by one of the two and forwarded.
        .. Family("cl+te",
            ("cl-te", Post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + Smuggled, "400 close"),
            ("te-cl", Post + "Transfer-Encoding: chunked\r\nContent-Length: 41\r\n\r\n0\r\n\r\n" + Smuggled, "400 close"),
            ("cl-zero-te", Post + "Content-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "400 close"),
            ("cl-te-leading-space", Post + "Content-Length: 5\r\nTransfer-Encoding:  chunked\r\n\r\n0\r\n\r\n" + Smuggled, "400 close"),
            ("cl-te-tab", Post + "Content-Length: 5\r\nTransfer-Encoding:\tchunked\r\n\r\n0\r\n\r\n" + Smuggled, "400 close"),
            ("cl-te-trailing-tab", Post + "Content-Length: 5\r\nTransfer-Encoding: chunked\t\r\n\r\n0\r\n\r\n" + Smuggled, "400 close"),
            ("cl-te-upper-case", Post + "Content-Length: 5\r\nTransfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n" + Smuggled, "400 close"),
            ("cl-te-xchunked", Post + "Content-Length: 5\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + Smuggled, "400 close"),
            ("cl-te-twice", Post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + Smuggled, "400 close"),
            ("cl-te-list", Post + "Content-Length: 5\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n" + Smuggled, "400 close"),
            ("cl-te-identity-chunked", Post + "Content-Length: 5\r\nTransfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n" + Smuggled, "400 close"),
            ("cl-te-empty", Post + "Content-Length: 5\r\nTransfer-Encoding: \r\n\r\nhello", "400 close"),
            ("cl-te-vertical-tab", Post + "Content-Length: 5\r\nTransfer-Encoding: \vchunked\r\n\r\n0\r\n\r\n" + Smuggled, "400 close"),
            ("cl-te-space-before-colon", Post + "Content-Length: 5\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n" + Smuggled, "400 close"),
            ("cl-te-tab-before-colon", Post + "Content-Length: 5\r\nTransfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n" + Smuggled, "400 close"),
            ("cl-te-obs-fold", Post + "Content-Length: 5\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n" + Smuggled, "400 close"),
            ("cl-te-http10", "POST {p}/t HTTP/1.0\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + Smuggled, "400 close")),
        .. Family("transfer-encoding",
            ("te-twice", Post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400 close"),
            ("te-chunked-chunked", Post + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", "400 close"),
            ("te-chunked-identity", Post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + Smuggled, "400 close"),
            ("te-identity", Post + "Transfer-Encoding: identity\r\nContent-Length: 5\r\n\r\nhello", "400 close"),
            ("te-xchunked", Post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + Smuggled, "400 close"),
            ("te-space-before-colon", Post + "Transfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", "400 close"),
            ("te-obs-fold", Post + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n" + Smuggled, "400 close"),
            ("te-leading-space", Post + "Transfer-Encoding:  chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "200:5 next"),
            ("te-tab", Post + "Transfer-Encoding:\tchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "200:5 next"),
            ("te-upper-case", Post + "Transfer-Encoding: CHUNKED\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "200:5 next")),
        .. Family("chunks",
            ("chunk-overflow", Chunked + "fffffffffffffffff5\r\nhello\r\n0\r\n\r\n", "400 close"),
            ("chunk-negative", Chunked + "-5\r\nhello\r\n0\r\n\r\n", "400 close"),
            ("chunk-not-hex", Chunked + "5g\r\nhello\r\n0\r\n\r\n", "400 close"),
            ("chunk-0x", Chunked + "0x5\r\nhello\r\n0\r\n\r\n", "400 close"),
            ("chunk-no-crlf", Chunked + "5\r\nhelloXX0\r\n\r\n", "400 close"),
            ("chunk-short-data", Chunked + "5\r\nhel\r\n0\r\n\r\n" + Smuggled, "400 close"),
            ("chunk-lf-only", Post + "Transfer-Encoding: chunked\r\n\r\n5\nhello\n0\n\n" + Smuggled, "400 close"),
            ("chunk-leading-zeros", Chunked + "00000000000000000000005\r\nhello\r\n0\r\n\r\n", "400 close"),
            ("chunk-size-space", Chunked + "5 \r\nhello\r\n0\r\n\r\n", "400 close"),
            ("chunk-size-line-16k", Chunked + "5" + new string(' ', 16 * 1024) + "\r\nhello\r\n0\r\n\r\n", "400 close")),
        .. Family("chunk extensions",
            ("chunk-extension", Chunked + "5;name=\"value\"\r\nhello\r\n0\r\n\r\n", "200:5 next"),
            ("chunk-extension-lf", Chunked + "5;a\nb\r\nhello\r\n0\r\n\r\n", "400 close"),
            ("chunk-extension-quoted-crlf", Chunked + "5;a=\"x\r\n0\r\n\r\n" + Smuggled + "\"\r\nhello\r\n0\r\n\r\n", "400 close"),
            ("chunk-extension-16k", Chunked + "5;a=" + new string('b', 16 * 1024) + "\r\nhello\r\n0\r\n\r\n", "200:5 next"),
            ("chunk-extension-many", Chunked + "1" + string.Concat(Enumerable.Repeat(";a=b", 2048)) + "\r\nh\r\n0\r\n\r\n", "200:1 next")),
        // Trailers (RFC 9112 §7.1.2): never framing, never a request; a line that is not a field is refused.
        .. Family("trailers",
            ("trailer", Chunked + "5\r\nhello\r\n0\r\nX-Trailer: a\r\n\r\n", "200:5 next"),
            ("trailer-content-length", Chunked + "5\r\nhello\r\n0\r\nContent-Length: 41\r\n\r\n", "200:5 next"),
            ("trailer-transfer-encoding", Chunked + "5\r\nhello\r\n0\r\nTransfer-Encoding: chunked\r\n\r\n", "200:5 next"),
            ("trailer-request-line", Chunked + "5\r\nhello\r\n0\r\n" + Smuggled, "400 close"),
            ("trailer-obs-fold", Chunked + "5\r\nhello\r\n0\r\nX-T: a\r\n b\r\n\r\n", "400 close"),
            ("trailer-nul", Chunked + "5\r\nhello\r\n0\r\nX-T: a\0b\r\n\r\n", "400 close")),
        .. Family("header syntax",
            ("obs-fold", "GET {p}/t HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", "400 close"),
            ("space-before-colon", "GET {p}/t HTTP/1.1\r\nHost: x\r\nX-A : a\r\n\r\n", "400 close"),
            ("nul-in-value", "GET {p}/t HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", "400 close"),
            ("cr-in-value", "GET {p}/t HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", "400 close"),
            ("nul-in-name", "GET {p}/t HTTP/1.1\r\nHost: x\r\nX\0A: a\r\n\r\n", "400 close"),
            ("bare-lf-head", "GET {p}/t HTTP/1.1\nHost: x\nX-A: a\n\n", "answered"),
            ("bare-lf-in-head", "GET {p}/t HTTP/1.1\r\nHost: x\r\nX-A: a\nX-B: b\r\n\r\n", "answered")),
        // Heads past the limits (Kestrel's, which the fast path hands such heads to: a request line of 8 KiB, 32 KiB of
        // headers, 100 headers): refused, the connection closed, nothing forwarded.
        .. Family("head size",
            ("head-one-header-40k", "GET {p}/t HTTP/1.1\r\nHost: x\r\nX-Big: " + new string('a', 40 * 1024) + "\r\n\r\n", "431 close"),
            ("head-200-headers-40k", "GET {p}/t HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Range(0, 200).Select(i => $"X-H{i}: {new string('a', 200)}\r\n")) + "\r\n", "431 close"),
            ("head-101-headers", "GET {p}/t HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"X-H{i}: a\r\n")) + "\r\n", "431 close"),
            ("request-line-10k", "GET {p}/t?q=" + new string('a', 10 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n", "414 close"),
            ("head-one-header-20k", "GET {p}/t HTTP/1.1\r\nHost: x\r\nX-Big: " + new string('a', 20 * 1024) + "\r\n\r\n", "200:0 next")),
    ];

    private static IEnumerable<RequestCase> Family(string family, params (string Name, string Request, string Expected)[] cases) =>
        cases.Select(c => new RequestCase(family, c.Name, c.Request, c.Expected));
}
