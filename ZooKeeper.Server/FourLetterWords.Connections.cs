using System.Globalization;
using System.Text;
using OrleansCoord.Sessions;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>The words about connections, sessions and watches: cons, dump, wchs, wchc, wchp.</summary>
internal sealed partial class FourLetterWords
{
    /// <summary>
    /// cons (and stat's client list): one line per connection in ZooKeeper's format, the asking connection included
    /// (without a session, as ZooKeeper lists it), each ending in a newline.
    /// </summary>
    private string Connections(string asker)
    {
        var text = new StringBuilder();
        foreach (var c in stats.Connections.Keys)
        {
            text.Append(CultureInfo.InvariantCulture,
                $" /{c.Remote}[1](queued={c.Outstanding},recved={c.Received},sent={c.Sent},sid=0x{c.SessionId:x},lop={c.Figures.LastOperation},est={c.Figures.EstablishedMs},to={c.TimeoutMs}{c.Figures.Describe()})\n");
        }

        text.Append(CultureInfo.InvariantCulture, $" /{asker}[0](queued=0,recved=1,sent=0)\n");
        return text.ToString();
    }

    /// <summary>Each connection's watches as (session, path, kind), from the connections' writer loops.</summary>
    private async Task<List<(long Session, string Path, string Kind)>> AllWatchesAsync()
    {
        var connections = stats.Connections.Keys.ToList();
        var lists = await Task.WhenAll(connections.Select(c => c.DescribeWatchesAsync()));
        return [.. connections.Zip(lists).SelectMany(p => p.Second.Select(w => (p.First.SessionId, w.Path, w.Kind)))];
    }

    /// <summary>wchs: "N connections watching M paths" and the total, as ZooKeeper's WatchManager prints them.</summary>
    private async Task<string> WatchSummaryAsync()
    {
        var watches = await AllWatchesAsync();
        var pairs = watches.Select(w => (w.Session, w.Path)).Distinct().ToList();
        return $"{pairs.Select(p => p.Session).Distinct().Count()} connections watching {pairs.Select(p => p.Path).Distinct().Count()} paths\nTotal watches:{pairs.Count}\n";
    }

    /// <summary>wchc (by session: 0xID, then its paths) or wchp (by path: the path, then its sessions), then a blank line.</summary>
    private async Task<string> WatchesAsync(bool byPath)
    {
        var pairs = (await AllWatchesAsync()).Select(w => (w.Session, w.Path)).Distinct().ToList();
        var text = new StringBuilder();
        if (byPath)
        {
            foreach (var group in pairs.GroupBy(p => p.Path))
            {
                text.Append(group.Key).Append('\n');
                foreach (var (session, _) in group) text.Append(CultureInfo.InvariantCulture, $"\t0x{session:x}\n");
            }
        }
        else
        {
            foreach (var group in pairs.GroupBy(p => p.Session))
            {
                text.Append(CultureInfo.InvariantCulture, $"0x{group.Key:x}\n");
                foreach (var (_, path) in group) text.Append('\t').Append(path).Append('\n');
            }
        }

        return text.Append('\n').ToString();
    }

    /// <summary>
    /// dump: the sessions connected to this silo (each in a set of its own, expiring a timeout after now if its client
    /// went silent: the grid keeps no expiry queue here) and their ephemerals, in ZooKeeper's layout.
    /// </summary>
    private async Task<string> DumpAsync()
    {
        var (sessions, owning) = await SessionsAndEphemeralsAsync();
        var text = new StringBuilder("SessionTracker dump:\n");
        text.Append(CultureInfo.InvariantCulture, $"Session Sets ({sessions.Count})/({sessions.Count}):\n");
        foreach (var (id, expires) in sessions)
        {
            text.Append(CultureInfo.InvariantCulture, $"1 expire at {expires:ddd MMM dd HH:mm:ss} UTC {expires:yyyy}:\n\t0x{id:x}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"ephemeral nodes dump:\nSessions with Ephemerals ({owning.Count}):\n");
        foreach (var (id, paths) in owning)
        {
            text.Append(CultureInfo.InvariantCulture, $"0x{id:x}:\n");
            foreach (var path in paths) text.Append('\t').Append(path).Append('\n');
        }

        return text.Append("Connections dump:\n").ToString();
    }

    /// <summary>The sessions connected here, soonest expiry first, and those of them that own ephemerals.</summary>
    private async Task<(List<(long Id, DateTime Expires)> Sessions, List<(long Id, IReadOnlyList<string> Paths)> Owning)> SessionsAndEphemeralsAsync()
    {
        var now = DateTime.UtcNow;
        var sessions = stats.Connections.Keys.GroupBy(c => c.SessionId)
            .Select(g => (Id: g.Key, Expires: now.AddMilliseconds(g.First().TimeoutMs))).OrderBy(s => s.Expires).ToList();
        var ephemerals = await Task.WhenAll(sessions.Select(async s => (s.Id, Paths: await EphemeralsAsync(s.Id))));
        return (sessions, [.. ephemerals.Where(e => e.Paths.Count > 0)]);
    }

    private async Task<IReadOnlyList<string>> EphemeralsAsync(long session)
    {
        try
        {
            // The session grain answers only calls that carry the session's credential (docs/adr/013): the silo issues it.
            await credentials.ReadyAsync();
            OrleansCoord.Acls.Caller.Use(credentials.Issue(session, []));
            return [.. (await grains.GetGrain<ISessionGrain>(session).GetEphemerals().WaitAsync(TimeSpan.FromSeconds(5))).Order(StringComparer.Ordinal)];
        }
        catch (Exception)
        {
            return [];
        }
    }
}
