using System.Text;
using Azure.Core.Pipeline;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Storage.AzureStorage;
using OrleansCoord.Robustness.Tests.Cluster;

namespace OrleansCoord.Robustness.Tests.Regressions;

/// <summary>
/// A transaction that Azurite applied but whose reply was lost on the way back. The Azure SDK's default retry sent
/// it again; the resend failed its condition (412) and the tree store reported a conflict for a commit that had
/// landed, which the grid turns into a definite refusal (BadVersion, NodeExists) after its retry. The store must
/// report such a commit as applied or as unknown (TreeStoreException), never as a conflict.
/// </summary>
public sealed class TransactionResendTests
{
    [Fact]
    public async Task ReplyOfAppliedTransactionLost_NotReportedAsConflict()
    {
        await using var azurite = await AzuriteProcess.StartNewAsync();
        var replies = new LosingBatchReplies();
        var store = new AzureTableTreeStore(azurite.ConnectionString, "t" + Guid.NewGuid().ToString("N")[..16], new HttpClientTransport(new HttpClient(replies)));
        var created = await store.CommitAsync([RecordWrite.Insert("k", Encoding.UTF8.GetBytes("v1"))]);
        Assert.True(created.Committed);

        replies.LoseNext = true;
        CommitResult? result = null;
        try
        {
            result = await store.CommitAsync([RecordWrite.Replace("k", Encoding.UTF8.GetBytes("v2"), created.Tokens!["k"])]);
        }
        catch (TreeStoreException)
        {
            // An unknown outcome: right, the reply was lost.
        }

        Assert.False(replies.LoseNext, "the transaction was never sent");
        var stored = await store.ReadAsync("k");
        Assert.Equal("v2", Encoding.UTF8.GetString(stored!.Value));
        Assert.True(result is null or { Committed: true }, $"an applied commit was reported as a conflict on '{result?.ConflictKey}'");
    }

    /// <summary>Sends requests to storage; the reply of the next transaction (a $batch POST) is dropped after
    /// storage answered, as a connection reset would.</summary>
    private sealed class LosingBatchReplies() : DelegatingHandler(new SocketsHttpHandler())
    {
        public volatile bool LoseNext;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("$batch", StringComparison.Ordinal) && LoseNext)
            {
                LoseNext = false;
                response.Dispose();
                throw new HttpRequestException("injected: connection reset after the transaction was applied");
            }

            return response;
        }
    }
}
