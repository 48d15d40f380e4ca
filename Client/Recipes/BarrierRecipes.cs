using OrleansCoord.Recipes;
using OrleansCoord.Recipes.Barriers;

namespace OrleansCoord.Client.Recipes;

/// <summary>
/// Barriers by name: <see cref="EnterAsync"/> returns when <c>count</c> participants have entered, all of them
/// together. A participant whose session ends (its process died) gives up its place. Reach them through
/// <see cref="CoordClient.Barriers"/>; double barriers through <see cref="CoordClient.DoubleBarriers"/>.
/// </summary>
public sealed class BarrierRecipes
{
    private const string Kind = "barrier";
    private readonly CoordClient _client;

    internal BarrierRecipes(CoordClient client) => _client = client;

    /// <summary>
    /// Enters the barrier's current round (whose first entrant set its count) and waits up to <paramref name="timeout"/>
    /// for <paramref name="count"/> participants. True when released; false when the time ran out, in which case
    /// this participant has left the round again. Cancelling also leaves it.
    /// </summary>
    public async Task<bool> EnterAsync(string name, int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        RecipeNameRules.Validate(Kind, name);
        var subject = RecipeNameRules.Subject(Kind, name);
        var poll = LongPoll.Start(subject, timeout);
        var grain = _client.RecipeGrainFactory.GetStringKeyGrain<IBarrierGrain>(name);
        var participant = Guid.NewGuid();

        // Entering again with the same participant id changes nothing, so every call here may be retried.
        var ticket = await _client.RunRecipeCall(subject, idempotent: true, () => grain.Enter(participant, _client.SessionId, count), cancellationToken);
        if (ticket.Passed) return true;
        try
        {
            do
            {
                var waitMs = poll.NextWaitMs(_client.RecipePollWaitMs(BarrierLimits.MaxWaitMs));
                if (await _client.RunRecipeCall(subject, idempotent: true, () => grain.Await(participant, ticket.Round, waitMs), cancellationToken)) return true;
            }
            while (!poll.Expired);
        }
        catch (OperationCanceledException)
        {
            await _client.RunRecipeCall(subject, idempotent: true, () => grain.Leave(participant, ticket.Round), CancellationToken.None);
            throw;
        }

        // Released between the last wait and now counts as released.
        return await _client.RunRecipeCall(subject, idempotent: true, () => grain.Leave(participant, ticket.Round), CancellationToken.None);
    }

    /// <summary>The current round, its count and how many wait in it.</summary>
    public Task<BarrierStatus> StatusAsync(string name, CancellationToken cancellationToken = default)
    {
        RecipeNameRules.Validate(Kind, name);
        return _client.RunRecipeCall(RecipeNameRules.Subject(Kind, name), idempotent: true,
            () => _client.RecipeGrainFactory.GetStringKeyGrain<IBarrierGrain>(name).Status(), cancellationToken);
    }
}
