using System.Globalization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace OrleansCoord.Proxy.Observability;

/// <summary>
/// nginx's <c>combined</c> format on stdout: <c>$remote_addr - $remote_user [$time_local] "$request" $status
/// $body_bytes_sent "$http_referer" "$http_user_agent"</c>. Lines go through a channel to one writer, so a
/// request never waits on the console. <c>$body_bytes_sent</c> is the Content-Length of the answer (0 if unknown).
/// </summary>
internal sealed class AccessLog : IAsyncDisposable
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public AccessLog(TextWriter output) => _writer = WriteAsync(output);

    public void Write(HttpContext context, DateTimeOffset started)
    {
        var request = context.Request;
        Write(context.Connection.RemoteIpAddress?.ToString(), request.Method, $"{request.Path}{request.QueryString}", request.Protocol,
            context.Response.StatusCode, context.Response.ContentLength ?? 0, Header(request, "Referer"), Header(request, "User-Agent"), started);
    }

    /// <summary>One line from its parts (the fast path has no HttpContext); <paramref name="referer"/> and
    /// <paramref name="userAgent"/> already escaped, "-" when absent.</summary>
    public void Write(string? remoteAddress, string method, string target, string protocol, int status, long bodyBytes,
        string referer, string userAgent, DateTimeOffset started)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{remoteAddress} - - [{started:dd/MMM/yyyy:HH:mm:ss} {Offset(started.Offset)}] \"{method} {target} {protocol}\" " +
            $"{status} {bodyBytes} \"{referer}\" \"{userAgent}\"");
        _lines.Writer.TryWrite(line);
    }

    /// <summary>A header value as the log line carries it.</summary>
    public static string Quote(string? value) => string.IsNullOrEmpty(value) ? "-" : value.Replace("\"", "\\\"");

    // nginx writes the offset as +0100, .NET's zzz as +01:00.
    private static string Offset(TimeSpan offset) =>
        string.Create(CultureInfo.InvariantCulture, $"{(offset < TimeSpan.Zero ? '-' : '+')}{Math.Abs(offset.Hours):00}{Math.Abs(offset.Minutes):00}");

    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _writer;
    }

    private static string Header(HttpRequest request, string name) =>
        Quote(request.Headers.TryGetValue(name, out var value) ? value.ToString() : null);

    private async Task WriteAsync(TextWriter output)
    {
        await foreach (var line in _lines.Reader.ReadAllAsync()) await output.WriteLineAsync(line);
    }
}
