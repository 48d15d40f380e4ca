namespace OrleansCoord.Grains.Recipes.Records;

/// <summary>One request a recipe decided, and what it answered; kept in the record next to the decision.</summary>
internal sealed record RecentRequest<TOutcome>(Guid Id, TOutcome Outcome);

/// <summary>
/// The last few request ids of a recipe record. A commit that the store reports as a conflict may still have
/// been applied (a send retried inside the storage client after a lost reply); the id in the re-read record
/// tells the two apart, so a retried request is answered, not applied twice. Only that check needs it, so a
/// short window is enough.
/// </summary>
internal static class RecentRequests
{
    public const int Window = 32;

    public static List<RecentRequest<T>> With<T>(IEnumerable<RecentRequest<T>>? recent, Guid id, T outcome) =>
        [.. (recent ?? []).TakeLast(Window - 1), new RecentRequest<T>(id, outcome)];

    public static RecentRequest<T>? Find<T>(IEnumerable<RecentRequest<T>>? recent, Guid id) =>
        recent?.LastOrDefault(r => r.Id == id);
}
