namespace OrleansCoord.Robustness.Tests.Recipes;

/// <summary>The checks of the lock steps (GUARANTEES 45, 46, 50 and the SDK's Lost, ADR 007).</summary>
public static class LockChecks
{
    /// <summary>
    /// Never two holders: no grant's reply came while another grant was certainly held (between its reply and its
    /// release call), unless that holder's Lost had fired by then (its session was gone and the grid released it).
    /// </summary>
    public static IEnumerable<string> NeverTwoHolders(IReadOnlyCollection<LockHold> holds)
    {
        var open = new List<LockHold>();
        foreach (var hold in holds.OrderBy(h => h.Granted))
        {
            open.RemoveAll(other => other.ReleaseCall <= hold.Granted);
            foreach (var other in open.Where(other => other.LostAt < 0 || other.LostAt > hold.Granted))
                yield return $"lock granted to {hold.Holder} (token {hold.Token}) at {hold.Granted} µs while {other.Holder} (token {other.Token}) held it from {other.Granted} to {other.ReleaseCall} µs";
            open.Add(hold);
        }
    }

    /// <summary>Fencing tokens are unique, and a grant asked for after another grant's reply has a higher token.</summary>
    public static IEnumerable<string> TokensIncrease(IReadOnlyCollection<LockHold> holds)
    {
        foreach (var twice in holds.GroupBy(h => h.Token).Where(g => g.Count() > 1))
            yield return $"fencing token {twice.Key} granted {twice.Count()} times ({string.Join(", ", twice.Select(h => h.Holder))})";

        var byGrant = holds.OrderBy(h => h.Granted).ToList();
        var next = 0;
        LockHold? highest = null;
        foreach (var hold in holds.OrderBy(h => h.Call))
        {
            for (; next < byGrant.Count && byGrant[next].Granted < hold.Call; next++)
            {
                if (highest is null || byGrant[next].Token > highest.Token) highest = byGrant[next];
            }

            if (highest is not null && hold.Token <= highest.Token)
                yield return $"{hold.Holder} got fencing token {hold.Token}, not above {highest.Token} of {highest.Holder} granted before it asked";
        }
    }

    /// <summary>A holder whose release found the hold gone (the grid released it: its session ended) saw Lost.</summary>
    public static IEnumerable<string> LostSeen(IReadOnlyCollection<LockHold> holds) =>
        holds.Where(h => h.Release is "BadArguments" or "SessionExpired" && h.LostAt < 0)
            .Select(h => $"{h.Holder} (token {h.Token}): release answered {h.Release}, so the hold was gone, but its Lost never fired");
}
