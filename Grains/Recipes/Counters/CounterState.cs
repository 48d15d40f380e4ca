using System.Text.Json.Serialization;
using OrleansCoord.Acls;
using OrleansCoord.Grains.Recipes.Records;
using OrleansCoord.Recipes.Counters;

namespace OrleansCoord.Grains.Recipes.Counters;

/// <summary>A counter as stored: its value, the outcomes of its last requests, and its ACL (absent: open; docs/adr/018).</summary>
internal sealed record CounterState(
    long Value,
    List<RecentRequest<CounterCasResult>> Recent,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AclEntry[]? Acl = null);
