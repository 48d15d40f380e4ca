using OrleansCoord.Recipes;

namespace OrleansCoord.Client.Recipes;

/// <summary>A grant this client holds: enough to release it.</summary>
internal sealed record HeldGrant(ILeaseGrain Grain, string Key, string Name, string Holder, Guid GrantId, long Token);
