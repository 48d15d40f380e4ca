using OrleansCoord.Grains.Recipes.Records;
using OrleansCoord.Recipes.Counters;

namespace OrleansCoord.Grains.Recipes.Counters;

/// <summary>A counter as stored: its value and the outcomes of its last requests.</summary>
internal sealed record CounterState(long Value, List<RecentRequest<CounterCasResult>> Recent);
