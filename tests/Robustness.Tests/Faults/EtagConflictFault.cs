using OrleansCoord.Grains.Storage;
using OrleansCoord.Storage.AzureStorage;

namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>
/// A foreign writer (as a duplicate activation would be) rewrites the records of the shared registers and their
/// parent with their own content, again and again for a few seconds. Each rewrite gives a record a new ETag, so
/// the next write of the grain that cached the old one conflicts: the grain must deactivate and the write must
/// fail as RetryableConflict (and be retried), never be acknowledged without being stored.
/// </summary>
public sealed class EtagConflictFault : IFault
{
    public async Task RunAsync(ChaosContext context)
    {
        var store = new AzureTableTreeStore(context.Azurite.ConnectionString, context.TableName);
        var keys = Enumerable.Range(0, context.Layout.SharedKeys).Select(i => TreeKeys.Node(context.Layout.SharedKey(i)))
            .Append(TreeKeys.Node(context.Layout.Registers))
            .ToList();
        var rewrites = 0;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        context.Log.Note("rewriting the shared registers' records behind the grains");
        while (DateTime.UtcNow < until)
        {
            foreach (var key in keys)
            {
                if (await store.ReadAsync(key) is not { } record) continue;
                var result = await store.CommitAsync([RecordWrite.Replace(key, record.Value, record.Token)]);
                if (result.Committed) rewrites++;
            }

            await Task.Delay(context.Random.Next(50, 250));
        }

        context.Log.Note($"{rewrites} foreign rewrites done");
    }
}
