using System.Runtime.CompilerServices;
using OrleansCoord.Recipes;

namespace OrleansCoord.Client.Recipes;

/// <summary>
/// Leader elections: candidates queue in arrival order; the first leads until it resigns or its session ends, and
/// every new leader gets a higher term.
/// </summary>
public sealed class Elections
{
    private readonly LeasePolls _polls;

    internal Elections(LeasePolls polls) => _polls = polls;

    /// <summary>Campaigns as <paramref name="candidateId"/> and waits at most <paramref name="timeout"/> to lead
    /// (else OperationTimeout, and the candidacy is withdrawn). Campaigning again while leading is reentrant.</summary>
    public async Task<Leadership> CampaignAsync(string name, string candidateId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        RecipeLimits.ValidateHolder(candidateId, allowEmpty: false);
        var grant = await _polls.AcquireAsync(LeaseKind.Election, name, candidateId, LeaseMode.Exclusive, 1, timeout, cancellationToken)
            ?? throw LeasePolls.NotAcquired(name, timeout);
        return new Leadership(_polls, grant);
    }

    /// <summary>The current leader and term (no leader: null candidate and the last term).</summary>
    public async Task<LeaderInfo> GetLeaderAsync(string name, CancellationToken cancellationToken = default) =>
        ToLeader(await _polls.ReadAsync(LeaseKind.Election, name, cancellationToken));

    /// <summary>The current leader, then every change of leader or term, until cancelled.</summary>
    public async IAsyncEnumerable<LeaderInfo> ObserveAsync(string name, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        LeaderInfo? last = null;
        await foreach (var view in _polls.ObserveAsync(LeaseKind.Election, name, cancellationToken))
        {
            var leader = ToLeader(view);
            if (leader == last) continue;
            last = leader;
            yield return leader;
        }
    }

    private static LeaderInfo ToLeader(LeaseView view) => view.Holders.FirstOrDefault() is { } holder
        ? new LeaderInfo(holder.Holder, holder.Token, holder.SessionId)
        : new LeaderInfo(null, view.LastToken, 0);
}
