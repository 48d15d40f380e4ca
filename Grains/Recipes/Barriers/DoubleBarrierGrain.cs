using Microsoft.Extensions.Logging;
using Orleans.Placement;
using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Identities;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Recipes.Barriers;

namespace OrleansCoord.Grains.Recipes.Barriers;

/// <summary>
/// A double barrier: a round gathers until its count have entered, is then inside until every member has left,
/// and then ends; who entered meanwhile forms the next round.
/// </summary>
[GrainType("recipe-doublebarrier")]
[RandomPlacement]
internal sealed class DoubleBarrierGrain(ITreeStore store, CallerCredentials credentials, TimeProvider time, ILogger<DoubleBarrierGrain> logger)
    : BarrierGrainBase(store, credentials, time, logger), IDoubleBarrierGrain
{
    protected override string Kind => "doublebarrier";

    public Task<BarrierTicket> Enter(Guid participantId, long sessionId, int count) =>
        EnterAsync(participantId, sessionId, count, state =>
        {
            if (state.Has(participantId)) return (null, new BarrierTicket(state.Round, state.Inside));
            if (state.HasNext(participantId)) return (null, new BarrierTicket(state.Round + 1, false));
            var member = new BarrierMember(participantId, sessionId);
            if (state.Inside)
            {
                if (state.Next.Count > 0 && state.NextCount != count) throw WrongCount(state.NextCount, count);
                return (state with { NextCount = count, Next = [.. state.Next, member] }, new BarrierTicket(state.Round + 1, false));
            }

            if (state.Members.Count > 0 && state.Count != count) throw WrongCount(state.Count, count);
            List<BarrierMember> members = [.. state.Members, member];
            return (state with { Count = count, Members = members, Inside = members.Count == count }, new BarrierTicket(state.Round, members.Count == count));
        });

    public Task<bool> AwaitEntered(Guid participantId, long round, int waitMs) =>
        WaitAsync(participantId, waitMs,
            done: state => state.Round > round || (state.Round == round && state.Inside),
            lost: state => !(state.Round == round && state.Has(participantId)) && !(state.Round + 1 == round && state.HasNext(participantId)),
            without: Without);

    public Task<bool> Leave(Guid participantId, long round)
    {
        Validate();
        return DecideAsync(Guid.NewGuid(), state =>
        {
            if (state.Round > round) return (null, true);
            if (state.Round + 1 == round && state.HasNext(participantId))
                return (state with { Next = [.. state.Next.Where(m => m.Id != participantId)] }, false);
            if (state.Round != round || !state.Has(participantId)) return (null, false);

            var rest = state with { Members = [.. state.Members.Where(m => m.Id != participantId)] };
            return rest.Inside && rest.Members.Count == 0 ? (EndRound(rest), true) : (rest, false);
        }, ticket => ticket.Passed, completed => new BarrierTicket(round, completed));
    }

    public Task<bool> AwaitLeft(Guid participantId, long round, int waitMs) =>
        WaitAsync(participantId, waitMs,
            done: state => state.Round > round,
            lost: state => !(state.Round == round && state.Inside),
            without: Without);

    /// <summary>Takes out the participants of ended sessions; the last one out of an inside round ends it.</summary>
    private static BarrierState Without(BarrierState state, HashSet<long> ended)
    {
        var rest = state with
        {
            Members = [.. state.Members.Where(m => !ended.Contains(m.SessionId))],
            Next = [.. state.Next.Where(m => !ended.Contains(m.SessionId))],
        };
        return rest.Inside && rest.Members.Count == 0 ? EndRound(rest) : rest;
    }

    /// <summary>Everyone has left: the next round begins with those who entered meanwhile (let in at once if they are enough).</summary>
    private static BarrierState EndRound(BarrierState state) => state with
    {
        Round = state.Round + 1,
        Count = state.NextCount,
        Members = state.Next,
        Inside = state.Next.Count > 0 && state.Next.Count == state.NextCount,
        NextCount = 0,
        Next = [],
    };

    private CoordException WrongCount(int expected, int count) =>
        CoordException.BadArguments(Subject, $"this round waits for {expected} participants, not {count}");
}
