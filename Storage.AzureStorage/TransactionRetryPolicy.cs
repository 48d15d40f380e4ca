using System.Net.Sockets;
using Azure.Core;
using Azure.Core.Pipeline;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Storage.AzureStorage;

/// <summary>
/// Retries of the tree's entity-group transactions: only when storage never took the request, i.e. it answered 429
/// Too Many Requests or 503 Server Busy, or the connection was refused. The Azure SDK's default also resends after
/// a transport failure or a timeout, when the first attempt may have been applied; the resend then fails its
/// condition (412/409) and the commit would be reported as a conflict although it landed. Without the resend it
/// fails with <see cref="TreeStoreException"/>, an unknown outcome, which is what it is.
/// </summary>
internal sealed class TransactionRetryPolicy() : RetryPolicy(maxRetries: 3)
{
    protected override bool ShouldRetry(HttpMessage message, Exception? exception) => exception is null
        ? message.HasResponse && message.Response.Status is 429 or 503
        : ConnectionRefused(exception);

    protected override ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
        ValueTask.FromResult(ShouldRetry(message, exception));

    private static bool ConnectionRefused(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is SocketException { SocketErrorCode: SocketError.ConnectionRefused }) return true;
        }

        return false;
    }
}
