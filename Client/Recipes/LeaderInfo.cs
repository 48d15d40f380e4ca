namespace OrleansCoord.Client.Recipes;

/// <summary>Who leads an election: the candidate id and its term, or no leader (then the last term granted).</summary>
public sealed record LeaderInfo(string? CandidateId, long Term, long SessionId)
{
    public bool HasLeader => CandidateId is not null;
}
