using System.Collections.Concurrent;
using OrleansCoord.Robustness.Tests.Linearizability;
using OrleansCoord.Robustness.Tests.Recipes;

namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>A revision one client saw, in the order that client saw them: writes must get higher ones than all before.</summary>
public sealed record RevisionSeen(bool Write, long Revision, string What);

/// <summary>A sequential create: the name it got, or null when its outcome is unknown.</summary>
public sealed record SequentialCreate(int Client, string? Name, long Call, long Return);

/// <summary>Everything the workload recorded during a run.</summary>
public sealed class ChaosLog
{
    public ChaosLog() => Recipes = new RecipeLog(() => History.Now);

    public HistoryRecorder History { get; } = new();

    /// <summary>The lock and queue steps, on the same clock.</summary>
    public RecipeLog Recipes { get; }

    public ConcurrentQueue<SequentialCreate> SequentialCreates { get; } = new();

    public ConcurrentDictionary<int, List<RevisionSeen>> Revisions { get; } = new();

    public ConcurrentQueue<string> Events { get; } = new();

    public void Note(string text) => Events.Enqueue($"{History.Now / 1000,7} ms  {text}");

    public void Saw(int client, bool write, long revision, string what) =>
        Revisions.GetOrAdd(client, _ => []).Add(new RevisionSeen(write, revision, what));
}
