using OrleansCoord.Errors;

namespace OrleansCoord.Robustness.Tests.Recipes;

/// <summary>The checks of the queue steps (GUARANTEES 32, 34, 44), on the run's records and a final drain.</summary>
public static class QueueChecks
{
    /// <summary>Every acknowledged put was acked by a taker (or by an ack of unknown outcome); a refused put is never
    /// handed out.</summary>
    public static IEnumerable<string> NoPutLost(IReadOnlyCollection<QueuePut> puts, IReadOnlyCollection<QueueTake> takes, IReadOnlyCollection<QueueSettle> settles)
    {
        var gone = settles.Where(s => !s.Release && s.Code is null or CoordErrorCode.Ok).Select(s => s.Data).ToHashSet(StringComparer.Ordinal);
        foreach (var put in puts.Where(p => p.Code == CoordErrorCode.Ok && !gone.Contains(p.Data)))
            yield return $"acknowledged put {put.Data} (message {put.MessageId}, client {put.Client}) lost: never acked, not there at the end";

        var refused = puts.Where(p => p.Code is { } code && code != CoordErrorCode.Ok).Select(p => p.Data).ToHashSet(StringComparer.Ordinal);
        foreach (var take in takes.Where(t => t.Data is not null && refused.Contains(t.Data)))
            yield return $"put {take.Data} was refused but handed out (delivery {take.Delivery})";
    }

    /// <summary>
    /// No message acked twice, no hand-out number given twice, no hand-out after an acknowledged ack, and no second
    /// taker before the first one's visibility timeout had passed (unless the first released it).
    /// </summary>
    public static IEnumerable<string> AtMostOneTaker(IReadOnlyCollection<QueueTake> takes, IReadOnlyCollection<QueueSettle> settles, TimeSpan visibility)
    {
        foreach (var twice in settles.Where(s => !s.Release && s.Code == CoordErrorCode.Ok).GroupBy(s => s.Data).Where(g => g.Count() > 1))
            yield return $"message {twice.Key} acked {twice.Count()} times (hand-outs {string.Join(", ", twice.Select(s => s.Delivery))})";

        var settled = settles.ToLookup(s => (s.Data, s.Delivery));
        var visibilityUs = (long)visibility.TotalMicroseconds;
        foreach (var message in takes.Where(t => t.Data is not null).GroupBy(t => t.Data!))
        {
            var handOuts = message.OrderBy(t => t.Delivery).ToList();
            for (var i = 0; i < handOuts.Count; i++)
            {
                var first = handOuts[i];
                var own = settled[(first.Data!, first.Delivery)].ToList();
                foreach (var later in handOuts.Skip(i + 1))
                {
                    if (later.Delivery == first.Delivery)
                        yield return $"message {message.Key} handed out twice as delivery {first.Delivery} (clients {first.Client} and {later.Client})";
                    else if (own.Any(s => !s.Release && s.Code == CoordErrorCode.Ok))
                        yield return $"message {message.Key} acked after hand-out {first.Delivery} (client {first.Client}) but handed out again as {later.Delivery} (client {later.Client})";
                    else if (!own.Any(s => s.Release) && later.Return < first.Call + visibilityUs)
                        yield return $"message {message.Key} handed out to client {later.Client} (delivery {later.Delivery}, at {later.Return} µs) within the visibility timeout of its hand-out {first.Delivery} to client {first.Client} (taken from {first.Call} µs)";
                }
            }
        }
    }

    /// <summary>
    /// Hand-out order: no message was handed out while a message that must go before it (a higher priority one put
    /// before the take, or one of the same priority whose put was acknowledged before the other's put was called)
    /// was ready, i.e. acknowledged and not yet handed out. Only messages whose first observed hand-out is their
    /// first (delivery 1) count as "not yet handed out": an earlier hand-out whose reply was lost is invisible here.
    /// </summary>
    public static IEnumerable<string> PriorityFifo(IReadOnlyCollection<QueuePut> puts, IReadOnlyCollection<QueueTake> takes)
    {
        var putOf = puts.GroupBy(p => p.Data).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var handOuts = takes.Where(t => t.Data is not null && putOf.ContainsKey(t.Data)).ToList();
        var firstHandOut = handOuts.GroupBy(t => t.Data!).ToDictionary(g => g.Key, g => g.MinBy(t => t.Call)!, StringComparer.Ordinal);
        var waiting = puts.Where(p => p.Code == CoordErrorCode.Ok && firstHandOut.TryGetValue(p.Data, out var f) && f.Delivery == 1)
            .GroupBy(p => p.Priority)
            .ToDictionary(g => g.Key, g => new ReadyMessages(g.Select(p => (p, firstHandOut[p.Data])).ToList()));

        foreach (var take in handOuts)
        {
            var message = putOf[take.Data!];
            foreach (var (priority, ready) in waiting.Where(w => w.Key >= message.Priority))
            {
                var before = priority > message.Priority ? take.Call : message.Call;
                if (ready.LatestFirstHandOut(before) is { } skipped && skipped.First.Call > take.Return)
                    yield return $"message {take.Data} (priority {message.Priority}) handed out to client {take.Client} at {take.Return} µs while {skipped.Put.Data} (priority {priority}, put by {skipped.Put.Return} µs) waited; it was first handed out from {skipped.First.Call} µs";
            }
        }
    }

    /// <summary>Acknowledged messages of one priority by the return of their put, with a running maximum of when
    /// each was first handed out.</summary>
    private sealed class ReadyMessages
    {
        private readonly List<(QueuePut Put, QueueTake First)> _byPut;
        private readonly List<int> _latestUpTo = [];

        public ReadyMessages(List<(QueuePut Put, QueueTake First)> messages)
        {
            _byPut = messages.OrderBy(m => m.Put.Return).ToList();
            for (var i = 0; i < _byPut.Count; i++)
                _latestUpTo.Add(i == 0 || _byPut[i].First.Call > _byPut[_latestUpTo[i - 1]].First.Call ? i : _latestUpTo[i - 1]);
        }

        /// <summary>Of the messages whose put returned before <paramref name="moment"/>, the one first handed out last.</summary>
        public (QueuePut Put, QueueTake First)? LatestFirstHandOut(long moment)
        {
            var low = 0;
            var high = _byPut.Count;
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (_byPut[middle].Put.Return < moment) low = middle + 1;
                else high = middle;
            }

            return low == 0 ? null : _byPut[_latestUpTo[low - 1]];
        }
    }
}
