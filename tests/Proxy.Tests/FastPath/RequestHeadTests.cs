using System.Text;
using OrleansCoord.Proxy.FastPath;

namespace OrleansCoord.Proxy.Tests.FastPath;

/// <summary>The fast path's strict head parser: what it takes, and what it leaves to Kestrel.</summary>
public sealed class RequestHeadTests
{
    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("GET /a/b?c=d&e=/f HTTP/1.1\r\nHost: example.com:8000\r\nAccept: */*\r\n\r\n")]
    [InlineData("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\n")]
    [InlineData("DELETE /a HTTP/1.1\r\nhost:x\r\nX-Empty:\r\nConnection: close\r\n\r\n")]
    public void PlainHead_Parsed(string head) => Assert.True(Parse(head, out _));

    [Theory]
    [InlineData("GET / HTTP/1.0\r\nHost: x\r\n\r\n")] // HTTP/1.0
    [InlineData("GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n")] // absolute-form
    [InlineData("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")] // asterisk-form
    [InlineData("CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("GET /a%2Fb HTTP/1.1\r\nHost: x\r\n\r\n")] // Kestrel decodes it before routing
    [InlineData("GET /a/../b HTTP/1.1\r\nHost: x\r\n\r\n")] // Kestrel removes dot segments
    [InlineData("GET /a//b HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("GET /a/ HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("GET /a?b=%20 HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\n\r\n")] // no Host
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, X@Secret\r\n\r\n")] // not a token
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n")] // obs-fold
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nX-A : 1\r\n\r\n")] // space before the colon
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nNo colon\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nX-A: caf\u00e9\r\n\r\n")] // non-ASCII
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\nb\r\n\r\n")] // bare LF
    public void HeadKestrelMustSee_LeftToIt(string head) => Assert.False(Parse(head, out _));

    [Fact]
    public void Parsed_PartsAndKinds()
    {
        Assert.True(Parse("PUT /a/b?q=1 HTTP/1.1\r\nHost: example.com:8000\r\nKeep-Alive: 5\r\nX-Forwarded-For: 1.2.3.4\r\nX-Custom:  v  \r\n" +
            "X-Custom: w\r\nContent-Length: 12\r\nConnection: close\r\n\r\n", out var head));
        Assert.Equal("PUT", Text(head, head.Method));
        Assert.Equal("/a/b?q=1", Text(head, head.Target));
        Assert.Equal("/a/b", Text(head, head.Path));
        Assert.Equal("example.com:8000", Text(head, head.Host));
        Assert.Equal(12, head.ContentLength);
        Assert.True(head.Close);
        Assert.Equal("v,w", head.HeaderValue("x-custom"));
        Assert.Equal([HeaderKind.Host, HeaderKind.Drop, HeaderKind.Drop, HeaderKind.Forward, HeaderKind.Forward, HeaderKind.ContentLength, HeaderKind.Connection],
            head.Headers.ToArray().Select(h => h.Kind));
    }

    [Fact]
    public void HeadersNamedInConnection_Dropped_HostAndFramingKept()
    {
        Assert.True(Parse("POST /a HTTP/1.1\r\nX-Secret: 1\r\nHost: x\r\nConnection: keep-alive, x-secret, Host\r\nContent-Length: 0\r\n" +
            "Connection: Content-Length, X-Later\r\nX-Later: 2\r\nX-Kept: 3\r\n\r\n", out var head));
        Assert.Equal([HeaderKind.Drop, HeaderKind.Host, HeaderKind.Connection, HeaderKind.ContentLength, HeaderKind.Connection, HeaderKind.Drop, HeaderKind.Forward],
            head.Headers.ToArray().Select(h => h.Kind));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void HeadersNamedWithAnUnderscore_DroppedUnlessKept(bool keep)
    {
        var underscored = keep ? HeaderKind.Forward : HeaderKind.Drop;
        Assert.True(Parse("GET /a HTTP/1.1\r\nHost: x\r\nX_Forwarded_For: 6.6.6.6\r\nX-Kept: 1\r\n_: 2\r\n\r\n", out var head, keep));
        Assert.Equal([HeaderKind.Host, underscored, HeaderKind.Forward, underscored], head.Headers.ToArray().Select(h => h.Kind));
    }

    private static bool Parse(string text, out RequestHead head, bool keepUnderscored = false)
    {
        head = new RequestHead(keepUnderscored);
        return head.TryParse(Encoding.UTF8.GetBytes(text));
    }

    private static string Text(RequestHead head, Range range) => Encoding.ASCII.GetString(head[range]);
}
