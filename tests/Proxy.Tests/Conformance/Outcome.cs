using System.Text;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.Conformance;

/// <summary>
/// What a client (and the upstream) can tell of one raw request sent to a proxy, in a few words that tests compare
/// and <c>NginxComparison</c> puts in a table: the status (with ":N" when the upstream answered and got an N-byte
/// body), then "next" (the GET pipelined behind it was answered as its own), "close" (the connection was closed after
/// the answer) or "open"; "closed" when the connection ended without an answer. " SMUGGLED" is added when the upstream
/// saw a request hidden in the body, " FORWARDED" when a refused request reached the upstream anyway, " DOWN" when the
/// next client on a new connection was not answered.
/// </summary>
public static class Outcome
{
    /// <summary>Sends <paramref name="request"/> ("{p}" replaced by <paramref name="prefix"/>) with
    /// <paramref name="after"/> pipelined behind it, on a new connection to <paramref name="port"/>.</summary>
    public static async Task<string> ObserveAsync(int port, string prefix, string request, string after, Upstream upstream)
    {
        string observed;
        await using (var connection = await RawHttp.ConnectAsync(port))
        {
            try
            {
                await connection.SendAsync(Encoding.Latin1.GetBytes(request.Replace("{p}", prefix, StringComparison.Ordinal) + after));
            }
            catch (IOException)
            {
                // the proxy refused before it took all of a large head; its answer may still be there to read
            }

            observed = await ReadOutcomeAsync(connection, prefix, after.Length > 0);
        }

        // A later client on a new connection is served, and by then whatever the proxy forwarded has reached the upstream.
        RawResponse? check;
        try
        {
            check = await RawExchange.TrySendAsync(port, $"GET {prefix}/check HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        catch (OperationCanceledException)
        {
            check = null;
        }

        if (check?.Body != $"r:{prefix}/check") observed += " DOWN";
        if (upstream.HasPrinted($"request {prefix}/smuggled")) observed += " SMUGGLED";
        if (!observed.StartsWith('2') && upstream.HasPrinted($"request {prefix}/t")) observed += " FORWARDED";
        return observed;
    }

    /// <summary>Whether <paramref name="observed"/> is what <paramref name="expected"/> asks ("answered": any answer).</summary>
    public static bool Matches(string expected, string observed) =>
        expected == "answered"
            ? observed.Length > 0 && char.IsAsciiDigit(observed[0]) && !new[] { "DOWN", "SMUGGLED", "FORWARDED" }.Any(w => observed.Contains(w, StringComparison.Ordinal))
            : expected == observed;

    private static async Task<string> ReadOutcomeAsync(RawHttp connection, string prefix, bool pipelined)
    {
        RawResponse? response;
        try
        {
            response = await RawExchange.TryReadAsync(connection);
        }
        catch (OperationCanceledException)
        {
            return "silent";
        }

        if (response is null) return "closed";
        var head = response.Header("X-Body-Length") is { } length ? $"{response.Status}:{length}" : $"{response.Status}";
        if (pipelined)
        {
            RawResponse? next;
            try
            {
                next = await RawExchange.TryReadAsync(connection);
            }
            catch (OperationCanceledException)
            {
                return $"{head} then silent";
            }

            return next is null ? $"{head} close" : next.Body == $"r:{prefix}/after" ? $"{head} next" : $"{head} then {next.Status}";
        }

        return $"{head} {(await connection.IsClosedAsync(TimeSpan.FromSeconds(5)) ? "close" : "open")}";
    }
}
