using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.Conformance;

/// <summary>
/// Malformed upstream answers (Upstream/rogue.py answers the path's last segment) never reach a client as they came:
/// CR, LF or NUL in a header, bare-LF line ends, obs-fold, a space before the colon, a bad Content-Length, a
/// Transfer-Encoding other than one plain chunked (or with Content-Length), an unasked 101, bad chunks. The connection
/// that carried one is not used again: the next request, on another client connection, gets its own answer.
/// </summary>
[Collection(GridCollection.Name)]
public sealed class UpstreamAnswerTests(ConformanceFixture fixture) : IClassFixture<ConformanceFixture>
{
    /// <summary>The case, and what a client gets with the fast path on and off: "502"; "cut" (the head went out, then
    /// the connection was closed before the body's end: the client can tell the answer is incomplete); "200" (YARP's
    /// path only: SocketsHttpHandler parses leniently, e.g. a bare LF as a line end, a bare CR or NUL as a space, obs-fold
    /// unfolded, and Kestrel writes the head anew, so no raw byte of the upstream's head reaches the client; xchunked is
    /// read until the upstream closes, as RFC 9112 §6.3 says for an answer whose last coding is not chunked).</summary>
    public static IReadOnlyList<(string Answer, string On, string Off)> Answers { get; } =
    [
        ("lf-value", "502", "200"),
        ("cr-value", "502", "200"),
        ("nul-value", "502", "200"),
        ("lf-te", "502", "502"),
        ("bare-lf", "502", "200"),
        ("obs-fold", "502", "200"),
        ("space-colon", "502", "200"),
        ("cl-plus", "502", "502"),
        ("cl-twice", "502", "502"),
        ("xchunked", "502", "200"),
        ("te-twice", "502", "200"),
        ("cl-te", "502", "200"),
        ("switch", "502", "502"),
        ("chunk-negative", "cut", "502"),
        ("chunk-overflow", "cut", "502"),
        ("chunk-no-crlf", "cut", "502"),
        ("chunk-ext-lf", "cut", "502"),
    ];

    public static TheoryData<string, string, string> Cases => new(Answers);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task MalformedAnswer_FastPathOn(string answer, string on, string off) => AssertRefusedAsync("on", answer, on, off);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task MalformedAnswer_FastPathOff(string answer, string on, string off) => AssertRefusedAsync("off", answer, on, off);

    private async Task AssertRefusedAsync(string fastPath, string answer, string on, string off)
    {
        var (proxy, prefix) = (fixture.Proxy(fastPath), $"/{fixture.Cluster}/{fastPath}-{Guid.NewGuid():N}");
        var response = await RawExchange.TrySendAsync(proxy.Port, $"GET {prefix}/{answer} HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(fastPath == "on" ? on : off, Describe(response));
        // Whatever got through was written by the proxy: no raw line break or NUL from the upstream in its head.
        Assert.DoesNotContain(response?.Headers.Values ?? [], value => value.IndexOfAny(['\r', '\n', '\0']) >= 0);
        if (fastPath == "on") Assert.Null(response?.Header("X-Injected"));

        await RawExchange.AssertOwnAnswerAsync(proxy.Port, $"{prefix}/after");
    }

    /// <summary>"cut" when no whole answer came, else its status.</summary>
    internal static string Describe(RawResponse? response) => response is null ? "cut" : $"{response.Status}";
}
