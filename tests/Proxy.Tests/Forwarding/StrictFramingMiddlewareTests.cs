using Microsoft.AspNetCore.Http;
using OrleansCoord.Proxy.Forwarding;

namespace OrleansCoord.Proxy.Tests.Forwarding;

/// <summary>The request rules the Kestrel + YARP path adds to Kestrel's own (the end-to-end cases are in Conformance/).</summary>
public sealed class StrictFramingMiddlewareTests
{
    [Fact]
    public async Task InvokeAsync_HeadersNamedInConnection_RemovedAndTheRestPassed()
    {
        var context = new DefaultHttpContext();
        context.Request.Protocol = "HTTP/1.1";
        var headers = context.Request.Headers;
        headers.Connection = "keep-alive, X-Secret,x-other , Upgrade";
        headers["X-Secret"] = "1";
        headers["X-Other"] = "2";
        headers["X-Kept"] = "3";
        headers.Upgrade = "websocket";
        var passed = false;

        await StrictFramingMiddleware.InvokeAsync(context, _ => { passed = true; return Task.CompletedTask; });

        Assert.True(passed);
        Assert.False(headers.ContainsKey("X-Secret"));
        Assert.False(headers.ContainsKey("X-Other"));
        Assert.Equal("3", headers["X-Kept"]);
        Assert.Equal("websocket", headers.Upgrade); // YARP carries an upgrade over itself
    }

    [Theory]
    [InlineData("chunked, chunked")]
    [InlineData("gzip, chunked")]
    [InlineData("chunked", "chunked")]
    public async Task InvokeAsync_TransferEncodingOtherThanOnePlainChunked_400AndClose(params string[] values)
    {
        var context = new DefaultHttpContext();
        context.Request.Protocol = "HTTP/1.1";
        context.Request.Headers.TransferEncoding = values;

        await StrictFramingMiddleware.InvokeAsync(context, _ => throw new InvalidOperationException("must not pass"));

        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal("close", context.Response.Headers.Connection);
    }

    /// <summary>Content-Length with Transfer-Encoding: Kestrel frames by the latter and hands the length on as
    /// X-Content-Length (or as Content-Length); either way 400 and close, as nginx, never forwarded.</summary>
    [Theory]
    [InlineData("Content-Length")]
    [InlineData("X-Content-Length")]
    public async Task InvokeAsync_ChunkedWithAContentLength_400AndClose(string lengthHeader)
    {
        var context = new DefaultHttpContext();
        context.Request.Protocol = "HTTP/1.1";
        context.Request.Headers.TransferEncoding = "chunked";
        context.Request.Headers[lengthHeader] = "5";

        await StrictFramingMiddleware.InvokeAsync(context, _ => throw new InvalidOperationException("must not pass"));

        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal("close", context.Response.Headers.Connection);
    }

    [Fact]
    public async Task InvokeAsync_OneChunkedAlone_Passes()
    {
        var context = new DefaultHttpContext();
        context.Request.Protocol = "HTTP/1.1";
        context.Request.Headers.TransferEncoding = " Chunked\t";
        var passed = false;

        await StrictFramingMiddleware.InvokeAsync(context, _ => { passed = true; return Task.CompletedTask; });

        Assert.True(passed);
    }
}
