using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Grains.Identities;
using OrleansCoord.Grains.Recipes.Records;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Recipes;
using OrleansCoord.Recipes.Queues;

namespace OrleansCoord.Grains.Recipes.Queues;

/// <summary>
/// A queue: a head record (<see cref="QueueHead"/>) and one record per message under <c>rq:</c>. Each decision
/// (hand-out, ack, release; a group of puts) is one commit that replaces the head conditionally, made before the
/// reply, and decisions are taken one at a time under a gate; puts that queued for the gate share one commit. Reentrant, so that a take waiting for a message does not hold
/// up the put that brings it (docs/adr/008-queue-and-barrier-recipes.md). The head's ACL decides who may put (CREATE),
/// take, ack and give back (DELETE), see its length and peek (READ), and change the ACL (ADMIN) (docs/adr/018-recipe-acls.md).
/// </summary>
/// <remarks>This file holds the grain's state, its activation, the gate and the loading of the head and the message
/// list; puts are in QueueGrain.Puts.cs, takes, acks and releases in QueueGrain.Takes.cs, the length and peeks in
/// QueueGrain.Views.cs and the ACL in QueueGrain.Acl.cs.</remarks>
[Reentrant]
[GrainType("recipe-queue")]
[RandomPlacement]
internal sealed partial class QueueGrain(ITreeStore store, StorageRegressionGuard regression, CallerCredentials credentials, IOptions<CoordGridOptions> options,
    TimeProvider time, ILogger<QueueGrain> logger) : Grain, IQueueGrain, IQueueMaintenanceGrain
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string _name = "";
    private string _subject = "";
    private RecipeRecord<QueueHead> _head = null!;
    private GroupedDecisions<QueueHead, PendingPut, QueueOutcome> _puts = null!;
    private RecipeAclGuard _acl = null!;

    // Ids of the stored messages in hand-out order; null until listed (again, after the cache was voided).
    private SortedSet<string>? _messages;
    private readonly ChangeSignal _changed = new();
    private bool _retired;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _name = this.GetPrimaryKeyString();
        _subject = RecipeNameRules.Subject("queue", _name);
        _head = new RecipeRecord<QueueHead>(store, QueueKeys.Head(_name), _subject, Retire, regression, logger);
        _puts = new(_gate, _head, head => head.Recent, DecidePutsAsync, JoinsPuts);
        _acl = new RecipeAclGuard(credentials, options.Value.SuperDigest, _subject);
        await _acl.ReadyAsync();
    }

    private async Task<(QueueHead Head, SortedSet<string> Messages)> LoadAsync()
    {
        var head = await _head.LoadAsync() ?? QueueHead.Empty;
        if (_messages is null)
        {
            var prefix = QueueKeys.Messages(_name);
            var keys = await _head.Guard(() => store.ListKeysAsync(prefix));
            _messages = new SortedSet<string>(keys.Select(k => k[prefix.Length..]), StringComparer.Ordinal);
        }

        return (head, _messages);
    }

    private async Task<byte[]?> ReadDataAsync(string id) =>
        (await _head.Guard(() => store.ReadAsync(QueueKeys.Message(_name, id))))?.Value;

    /// <summary>The cache lists a message storage no longer holds: another activation acked it. Retire; the SDK retries.</summary>
    private RetryableConflictException VoidCache(string why)
    {
        _head.Forget();
        return new RetryableConflictException($"{_subject}: {why}; retry");
    }

    /// <summary>Runs a read under the gate, so that it never lists the queue while a decision changes it.</summary>
    private async Task<T> Gated<T>(Func<Task<T>> read)
    {
        Validate();
        await _gate.WaitAsync();
        try
        {
            return await read();
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Retire()
    {
        _retired = true;
        _messages = null;
        DeactivateOnIdle();
        _changed.Raise();
    }

    private void Validate() => RecipeNameRules.Validate("queue", _name);
}
