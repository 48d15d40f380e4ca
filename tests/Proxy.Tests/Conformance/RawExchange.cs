using System.Text;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.Conformance;

/// <summary>Raw requests on fresh client connections, and what the client can tell of the answers.</summary>
internal static class RawExchange
{
    /// <summary>Sends <paramref name="request"/> (bytes as written, <c>\0</c>, bare CR and LF included) on a new connection
    /// and reads one answer; null when the proxy closed the connection without a whole answer.</summary>
    public static async Task<(RawResponse? Response, RawHttp Connection)> SendAsync(int port, string request)
    {
        var connection = await RawHttp.ConnectAsync(port);
        await connection.SendAsync(Encoding.Latin1.GetBytes(request));
        return (await TryReadAsync(connection), connection);
    }

    /// <summary>The next answer, or null when the connection ends before a whole one.</summary>
    public static async Task<RawResponse?> TryReadAsync(RawHttp connection)
    {
        try
        {
            return await connection.ReadResponseAsync();
        }
        catch (Exception exception) when (exception is EndOfStreamException or IOException)
        {
            return null;
        }
    }

    /// <summary>Sends <paramref name="request"/> on a new connection and reads one answer, then closes it; null when none came.</summary>
    public static async Task<RawResponse?> TrySendAsync(int port, string request)
    {
        var (response, connection) = await SendAsync(port, request);
        await connection.DisposeAsync();
        return response;
    }

    /// <summary>A plain GET on a new connection is answered by the upstream with its own path: nothing left over from
    /// an earlier exchange (a poisoned pooled connection) reaches it.</summary>
    public static async Task AssertOwnAnswerAsync(int port, string path)
    {
        var (response, connection) = await SendAsync(port, $"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");
        await connection.DisposeAsync();
        Assert.NotNull(response);
        Assert.Null(response.Header("X-Poison"));
        Assert.Equal((200, $"r:{path}"), (response.Status, response.Body));
    }
}
