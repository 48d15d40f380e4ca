using OrleansCoord.Recipes;
using OrleansCoord.Recipes.Barriers;

namespace OrleansCoord.Client.Recipes;

/// <summary>
/// Double barriers by name (Curator's DistributedDoubleBarrier): enter together when <c>count</c> have entered,
/// leave together when all have left. Reach them through <see cref="CoordClient.DoubleBarriers"/>.
/// </summary>
public sealed class DoubleBarrierRecipes
{
    private const string Kind = "doublebarrier";
    private readonly CoordClient _client;

    internal DoubleBarrierRecipes(CoordClient client) => _client = client;

    /// <summary>
    /// Enters and waits up to <paramref name="timeout"/> until <paramref name="count"/> participants are in. The
    /// returned entry leaves again; null when the time ran out (this participant has then given up its place).
    /// </summary>
    public async Task<DoubleBarrierEntry?> EnterAsync(string name, int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        RecipeNameRules.Validate(Kind, name);
        var subject = RecipeNameRules.Subject(Kind, name);
        var poll = LongPoll.Start(subject, timeout);
        var grain = _client.RecipeGrainFactory.GetStringKeyGrain<IDoubleBarrierGrain>(name);
        var participant = Guid.NewGuid();
        var ticket = await _client.RunRecipeCall(subject, idempotent: true, () => grain.Enter(participant, _client.SessionId, count), cancellationToken);
        var entry = new DoubleBarrierEntry(_client, subject, grain, participant, ticket.Round);
        if (ticket.Passed) return entry;
        try
        {
            do
            {
                var waitMs = poll.NextWaitMs(_client.RecipePollWaitMs(BarrierLimits.MaxWaitMs));
                if (await _client.RunRecipeCall(subject, idempotent: true, () => grain.AwaitEntered(participant, ticket.Round, waitMs), cancellationToken)) return entry;
            }
            while (!poll.Expired);
        }
        catch (OperationCanceledException)
        {
            await entry.GiveUpAsync();
            throw;
        }

        // Let in between the last wait and now still counts: then the entry is handed out after all.
        if (await _client.RunRecipeCall(subject, idempotent: true, () => grain.AwaitEntered(participant, ticket.Round, 0), CancellationToken.None)) return entry;
        await entry.GiveUpAsync();
        return null;
    }

    /// <summary>The current round, its count, how many are in it and whether they are inside.</summary>
    public Task<BarrierStatus> StatusAsync(string name, CancellationToken cancellationToken = default)
    {
        RecipeNameRules.Validate(Kind, name);
        return _client.RunRecipeCall(RecipeNameRules.Subject(Kind, name), idempotent: true,
            () => _client.RecipeGrainFactory.GetStringKeyGrain<IDoubleBarrierGrain>(name).Status(), cancellationToken);
    }
}

/// <summary>A participant inside a double barrier.</summary>
public sealed class DoubleBarrierEntry
{
    private readonly CoordClient _client;
    private readonly string _subject;
    private readonly IDoubleBarrierGrain _grain;
    private readonly Guid _participant;

    internal DoubleBarrierEntry(CoordClient client, string subject, IDoubleBarrierGrain grain, Guid participant, long round) =>
        (_client, _subject, _grain, _participant, Round) = (client, subject, grain, participant, round);

    /// <summary>The round this participant entered with.</summary>
    public long Round { get; }

    /// <summary>Leaves, and waits up to <paramref name="timeout"/> until every participant of the round has left. True when
    /// they have; false when the time ran out (this participant has left anyway).</summary>
    public async Task<bool> LeaveAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var poll = LongPoll.Start(_subject, timeout);
        if (await _client.RunRecipeCall(_subject, idempotent: true, () => _grain.Leave(_participant, Round), cancellationToken)) return true;
        do
        {
            var waitMs = poll.NextWaitMs(_client.RecipePollWaitMs(BarrierLimits.MaxWaitMs));
            if (await _client.RunRecipeCall(_subject, idempotent: true, () => _grain.AwaitLeft(_participant, Round, waitMs), cancellationToken)) return true;
        }
        while (!poll.Expired);
        return false;
    }

    internal Task GiveUpAsync() => _client.RunRecipeCall(_subject, idempotent: true, () => _grain.Leave(_participant, Round), CancellationToken.None);
}
