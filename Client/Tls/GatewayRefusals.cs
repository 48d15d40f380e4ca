using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace OrleansCoord.Client.Tls;

/// <summary>
/// The Orleans client's retry rule while it starts, told apart for gateways that refuse this client: Orleans' default
/// (<c>LinearBackoffClientConnectionRetryFilter</c>: 15 more tries, 1.5 s longer each, ~3 minutes in all) for a gateway
/// that is not there yet, but no more tries for one that turned the client away over TLS, so that the SDK fails at once
/// with the reason instead of hanging. The TLS outcome of each connection comes from <see cref="Watch"/>.
/// </summary>
/// <remarks>
/// What each refusal looks like from here: a gateway whose certificate the client does not trust fails the client's
/// handshake; a gateway that wants a client certificate this client lacks (or one from another CA) completes the
/// handshake and then, under TLS 1.3, closes the connection before its greeting (Orleans' preamble); a TLS gateway that
/// a plain client reaches closes at once too, which a silo going down may also do: that one needs two in a row.
/// </remarks>
internal sealed class GatewayRefusals(bool tls) : IClientConnectionRetryFilter
{
    private const int MaxRetries = 15;
    private static readonly TimeSpan RetryStep = TimeSpan.FromMilliseconds(1500);
    private int _retries;
    private int _closedWithoutGreeting;
    private volatile bool _lastHandshakeFailed;

    /// <summary>Why the gateways refused this client; null while nothing says they did.</summary>
    public string? Reason { get; private set; }

    /// <summary>Adds the middleware that notes each handshake's outcome around Orleans' TLS middleware (<paramref name="addTls"/>).</summary>
    public void Watch(IClientBuilder client, Action addTls)
    {
        const string handshaken = "OrleansCoord.TlsHandshaken";
        client.Configure<Orleans.Configuration.ClientConnectionOptions>(options => options.ConfigureConnection(connection => connection.Use(next => async context =>
        {
            try
            {
                await next(context);
            }
            finally
            {
                // Orleans' TLS middleware ends the connection without calling on when the handshake fails.
                _lastHandshakeFailed = !context.Items.ContainsKey(handshaken);
            }
        })));
        addTls();
        client.Configure<Orleans.Configuration.ClientConnectionOptions>(options => options.ConfigureConnection(connection => connection.Use(next => context =>
        {
            context.Items[handshaken] = true;
            return next(context);
        })));
    }

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (exception is ConnectionFailedException && Refused(exception) is { } reason)
        {
            Reason = reason;
            return false;
        }

        if (_retries >= MaxRetries || cancellationToken.IsCancellationRequested || exception is not (OrleansMessageRejectionException or ConnectionFailedException)) return false;
        _retries++;
        await Task.Delay(RetryStep * _retries, cancellationToken);
        return true;
    }

    private string? Refused(Exception exception)
    {
        if (tls && _lastHandshakeFailed)
        {
            return "the TLS handshake with the gateway failed: its certificate is not signed by the CA this client trusts (--ca), " +
                "or it does not run TLS (a silo without --grid-tls)";
        }

        if (!ClosedWithoutGreeting(exception))
        {
            _closedWithoutGreeting = 0;
            return null;
        }

        if (tls)
        {
            return "the gateway closed the connection after the TLS handshake: it requires a client certificate signed by its CA " +
                "(--require-client-certificate), and this client gave none (--certificate) or one from another CA";
        }

        return ++_closedWithoutGreeting < 2 ? null
            : "the gateway closed the connection without a word, twice: does the grid run TLS (--grid-tls)? Then connect with its CA (--ca)";
    }

    // Reached and then closed (no socket error, no timeout): the gateway hung up before Orleans' greeting.
    private static bool ClosedWithoutGreeting(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            // First: ConnectionAbortedException is an OperationCanceledException too.
            if (inner is ConnectionAbortedException || (inner is InvalidOperationException && inner.InnerException is null)) return true;
            if (inner is SocketException or TimeoutException or OperationCanceledException) return false;
        }

        return false;
    }
}
