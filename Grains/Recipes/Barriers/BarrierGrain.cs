using Microsoft.Extensions.Logging;
using Orleans.Placement;
using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Identities;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Recipes.Barriers;

namespace OrleansCoord.Grains.Recipes.Barriers;

/// <summary>A cyclic barrier: the entry that makes the count releases the round, and the next round begins empty.</summary>
[GrainType("recipe-barrier")]
[RandomPlacement]
internal sealed class BarrierGrain(ITreeStore store, CallerCredentials credentials, TimeProvider time, ILogger<BarrierGrain> logger)
    : BarrierGrainBase(store, credentials, time, logger), IBarrierGrain
{
    protected override string Kind => "barrier";

    public Task<BarrierTicket> Enter(Guid participantId, long sessionId, int count) =>
        EnterAsync(participantId, sessionId, count, state =>
        {
            if (state.Has(participantId)) return (null, new BarrierTicket(state.Round, false));
            if (state.Members.Count > 0 && state.Count != count)
                throw CoordException.BadArguments(Subject, $"this round waits for {state.Count} participants, not {count}");

            List<BarrierMember> members = [.. state.Members, new BarrierMember(participantId, sessionId)];
            return members.Count == count
                ? (state with { Round = state.Round + 1, Count = 0, Members = [] }, new BarrierTicket(state.Round, true))
                : (state with { Count = count, Members = members }, new BarrierTicket(state.Round, false));
        });

    public Task<bool> Await(Guid participantId, long round, int waitMs) =>
        WaitAsync(participantId, waitMs,
            done: state => state.Round > round,
            lost: state => !state.Has(participantId),
            without: (state, ended) => state with { Members = [.. state.Members.Where(m => !ended.Contains(m.SessionId))] });

    public Task<bool> Leave(Guid participantId, long round)
    {
        Validate();
        return DecideAsync(Guid.NewGuid(), state =>
        {
            if (state.Round > round) return (null, true);
            return state.Has(participantId)
                ? (state with { Members = [.. state.Members.Where(m => m.Id != participantId)] }, false)
                : (null, false);
        }, ticket => ticket.Passed, released => new BarrierTicket(round, released));
    }
}
