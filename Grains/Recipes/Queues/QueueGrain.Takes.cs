using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Recipes.Records;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Recipes.Queues;

namespace OrleansCoord.Grains.Recipes.Queues;

/// <summary>
/// Handing messages out and settling them: a take (which waits for a message up to its wait), an ack that deletes
/// the message, a release that makes it visible again; each is one conditional commit of the head.
/// </summary>
internal sealed partial class QueueGrain
{
    public async Task<QueueItem?> Take(Guid requestId, int visibilityMs, int waitMs)
    {
        Validate();
        if (visibilityMs is < 1 or > QueueLimits.MaxVisibilityMs)
            throw CoordException.BadArguments(_subject, $"visibility timeout must be 1 ms to {QueueLimits.MaxVisibilityMs} ms, got {visibilityMs}");
        if (waitMs < 0) throw CoordException.BadArguments(_subject, $"wait must not be negative, got {waitMs}");

        var credential = Caller.Credential;
        var until = time.GetUtcNow().AddMilliseconds(Math.Min(waitMs, QueueLimits.MaxWaitMs));
        while (!_retired)
        {
            var changed = _changed.Next;
            long wakeAtMs;
            await _gate.WaitAsync();
            try
            {
                var item = await TryTakeAsync(requestId, visibilityMs, credential);
                if (item is not null) return item;
                wakeAtMs = _head.State?.InFlight.Values.Select(f => f.VisibleAtMs).DefaultIfEmpty(long.MaxValue).Min() ?? long.MaxValue;
            }
            finally
            {
                _gate.Release();
            }

            // Wake on a put or release, when a taken message becomes visible again, or when the wait is over.
            var now = time.GetUtcNow();
            if (now >= until) return null;
            var wake = TimeSpan.FromMilliseconds(Math.Min((until - now).TotalMilliseconds, Math.Max(1, wakeAtMs - now.ToUnixTimeMilliseconds())));
            await ChangeSignal.WaitAsync(changed, wake, time);
        }

        return null; // This activation retired; the SDK's next poll reaches a fresh one.
    }

    public Task Ack(Guid requestId, string receipt) =>
        Settle(requestId, receipt, (head, id) => (head with { InFlight = Without(head.InFlight, id) }, RecordWrite.Delete(QueueKeys.Message(_name, id), "*")));

    public Task Release(Guid requestId, string receipt) =>
        Settle(requestId, receipt, (head, id) => (head with { InFlight = With(head.InFlight, id, head.InFlight[id] with { VisibleAtMs = 0 }) }, null));

    private async Task<QueueItem?> TryTakeAsync(Guid requestId, int visibilityMs, CallerCredential? credential)
    {
        var (head, messages) = await LoadAsync();
        _acl.Demand(head.Acl, AclPerms.Delete, credential);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var id = messages.FirstOrDefault(m => head.IsVisible(m, now));
        if (id is null) return null;

        if (!head.InFlight.ContainsKey(id) && head.InFlight.Count >= QueueLimits.MaxInFlight)
        {
            throw new CoordException(CoordErrorCode.Throttled, _subject, $"{head.InFlight.Count} messages are taken and not acked; ack some first");
        }

        var data = await ReadDataAsync(id) ?? throw VoidCache($"message {id} is listed but not stored");
        var delivery = (head.InFlight.GetValueOrDefault(id)?.Delivery ?? 0) + 1;
        var next = head with
        {
            InFlight = With(head.InFlight, id, new InFlight(delivery, now + visibilityMs)),
            Recent = RecentRequests.With(head.Recent, requestId, new QueueOutcome(id, delivery)),
        };
        var landed = await DecideAsync(requestId, next, null);
        if (landed is not null) (id, delivery) = (landed.MessageId, landed.Delivery);
        return new QueueItem(id, data, QueueKeys.PriorityOf(id), delivery, QueueKeys.Receipt(id, delivery));
    }

    private async Task Settle(Guid requestId, string receipt, Func<QueueHead, string, (QueueHead, RecordWrite?)> change)
    {
        Validate();
        var (id, delivery) = QueueKeys.ParseReceipt(_subject, receipt);
        var credential = Caller.Credential;
        await _gate.WaitAsync();
        try
        {
            var (head, messages) = await LoadAsync();
            // Receipts can be guessed (message id and hand-out number): acking or giving back needs DELETE as taking does.
            _acl.Demand(head.Acl, AclPerms.Delete, credential);
            if (!messages.Contains(id) || head.InFlight.GetValueOrDefault(id)?.Delivery != delivery)
            {
                throw new CoordException(CoordErrorCode.NoNode, _subject, $"no message is taken with receipt {receipt}");
            }

            var (next, write) = change(head, id);
            next = next with { Recent = RecentRequests.With(head.Recent, requestId, new QueueOutcome(id, delivery)) };
            if (await DecideAsync(requestId, next, write) is not null) return;
            if (write is { Kind: RecordWriteKind.Delete }) messages.Remove(id);
            _changed.Raise();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Commits the head with an optional message write. Null when it committed; the recorded outcome when
    /// the store reported a conflict for a write that had landed; otherwise throws RetryableConflict.</summary>
    private async Task<QueueOutcome?> DecideAsync(Guid requestId, QueueHead next, RecordWrite? write)
    {
        if (await _head.CommitAsync(next, write is null ? null : [write]) is not { } conflict) return null;
        return RecentRequests.Find(conflict.Current?.Recent, requestId)?.Outcome ?? throw _head.ConflictError(conflict);
    }

    private static Dictionary<string, InFlight> With(Dictionary<string, InFlight> inFlight, string id, InFlight entry) =>
        new(inFlight, StringComparer.Ordinal) { [id] = entry };

    private static Dictionary<string, InFlight> Without(Dictionary<string, InFlight> inFlight, string id)
    {
        var copy = new Dictionary<string, InFlight>(inFlight, StringComparer.Ordinal);
        copy.Remove(id);
        return copy;
    }
}
