using OrleansCoord.Robustness.Tests.Linearizability;

namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>The checks of a finished run; each returns the violations it found (none when all is well).</summary>
public static class ChaosChecks
{
    public static IEnumerable<string> Linearizable(IReadOnlyList<Operation> history)
    {
        var verdict = LinearizabilityChecker.Check(history, TimeSpan.FromMinutes(10));
        if (verdict.Verdict != Verdict.Linearizable) yield return $"history not linearizable ({verdict.Verdict}):\n{verdict}";
    }

    /// <summary>No sequential number handed out twice; every acknowledged sequential create still there.</summary>
    public static IEnumerable<string> Sequential(IEnumerable<SequentialCreate> creates, IReadOnlyCollection<string> children)
    {
        var acknowledged = creates.Where(c => c.Name is not null).ToList();
        foreach (var duplicate in acknowledged.GroupBy(c => c.Name).Where(g => g.Count() > 1))
            yield return $"sequential name {duplicate.Key} acknowledged {duplicate.Count()} times (clients {string.Join(", ", duplicate.Select(c => c.Client))})";

        var present = new HashSet<string>(children, StringComparer.Ordinal);
        foreach (var lost in acknowledged.Where(c => !present.Contains(c.Name!)))
            yield return $"acknowledged sequential create {lost.Name} (client {lost.Client}) lost";
    }

    /// <summary>Each client's acknowledged writes got revisions above every revision that client had seen before.</summary>
    public static IEnumerable<string> PerClientOrder(IReadOnlyDictionary<int, List<RevisionSeen>> revisions)
    {
        foreach (var (client, seen) in revisions)
        {
            long highest = 0;
            var what = "";
            foreach (var step in seen)
            {
                if (step.Write && step.Revision <= highest)
                {
                    yield return $"client {client}: {step.What} got revision {step.Revision}, not above {highest} seen at {what}";
                }

                if (step.Revision > highest) (highest, what) = (step.Revision, step.What);
            }
        }
    }

    /// <summary>
    /// The register of each client holds its last acknowledged write, or a write it made later whose outcome is
    /// unknown. (Only that client writes it.)
    /// </summary>
    public static IEnumerable<string> OwnWritesKept(IReadOnlyList<Operation> history, IReadOnlyDictionary<string, string?> finalData, ChaosLayout layout)
    {
        for (var client = 0; client < layout.Clients; client++)
        {
            var key = layout.OwnKey(client);
            var sets = history.Where(op => op.Key == key && op.Op == RegisterOp.Set && op.Client == client).OrderBy(op => op.Call).ToList();
            var lastAcknowledged = sets.FindLastIndex(op => op.Output.Code == OrleansCoord.Errors.CoordErrorCode.Ok);
            if (lastAcknowledged < 0) continue;
            var allowed = sets.Skip(lastAcknowledged).Where((op, i) => i == 0 || op.Output.IsUnknown).Select(op => op.Input.Data).ToHashSet();
            var final = finalData.GetValueOrDefault(key);
            if (!allowed.Contains(final))
                yield return $"client {client}: acknowledged write '{sets[lastAcknowledged].Input.Data}' to {key} lost; it holds '{final}'";
        }
    }
}
