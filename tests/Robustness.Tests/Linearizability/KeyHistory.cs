namespace OrleansCoord.Robustness.Tests.Linearizability;

/// <summary>
/// One key's operations as the checker searches them: the operations as recorded (for reports), the same
/// operations as the model sees them, and which operations of unknown outcome are interchangeable.
/// </summary>
/// <remarks>
/// Two reductions make histories with many unknown outcomes decidable without changing the verdict:
/// <list type="bullet">
/// <item>Data that no read ever returned is replaced by one placeholder. The register compares data only in
/// reads, so two states that differ only in such data behave alike from then on, and the memo sees them as one.</item>
/// <item>Operations of unknown outcome with the same kind and the same model input (a class, <see cref="Classes"/>)
/// are interchangeable: if a linearization places one while another one, called earlier, is still unplaced,
/// swapping them gives a linearization too (both were called, neither ever returns). So the search only ever places
/// the earliest unplaced member of a class, and what it has placed of a class is a count, not a subset.</item>
/// </list>
/// </remarks>
internal sealed class KeyHistory
{
    private KeyHistory(Operation[] recorded, Operation[] model, int[][] classes)
    {
        Recorded = recorded;
        Model = model;
        Classes = classes;
    }

    /// <summary>The operations as recorded, minus reads whose answer never came (they constrain nothing).</summary>
    public Operation[] Recorded { get; }

    /// <summary>The operations as the model sees them: same order, unobserved data replaced.</summary>
    public Operation[] Model { get; }

    /// <summary>The operations of unknown outcome by class of interchangeable ones, each class in call order.</summary>
    public int[][] Classes { get; }

    public static KeyHistory Prepare(IEnumerable<Operation> history)
    {
        var recorded = history.Where(op => !(op.Op == RegisterOp.Get && op.Output.IsUnknown)).ToArray();
        foreach (var op in recorded)
        {
            if (op.Output.IsUnknown is false && op.Return is { } end && end < op.Call)
                throw new ArgumentException($"operation returns before it is called: {op}", nameof(history));
        }

        var observed = recorded
            .Where(op => op.Op == RegisterOp.Get && op.Output.Code == OrleansCoord.Errors.CoordErrorCode.Ok)
            .Select(op => op.Output.Data)
            .ToHashSet(StringComparer.Ordinal);
        var unobserved = "\0unobserved";
        while (observed.Contains(unobserved)) unobserved += "\0";

        var model = recorded
            .Select(op => op.Input.Data is { } data && !observed.Contains(data) ? op with { Input = op.Input with { Data = unobserved } } : op)
            .ToArray();

        var classes = Enumerable.Range(0, model.Length)
            .Where(i => model[i].Output.IsUnknown)
            .GroupBy(i => (model[i].Op, model[i].Input))
            .Select(members => members.OrderBy(i => model[i].Call).ThenBy(i => i).ToArray())
            .ToArray();
        return new KeyHistory(recorded, model, classes);
    }
}
