namespace OrleansCoord.ZNodes;

/// <summary>Runs a <c>multi</c>: every op applied in one storage transaction, or none.</summary>
[Alias("coord.multi")]
public interface IMultiGrain : IGrainWithIntegerKey
{
    [Alias("multi")] Task<OpResult[]> Multi(ZNodeOp[] ops, long sessionId, long minRevision);
}
