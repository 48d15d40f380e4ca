namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>Where one run's znodes live: a root of its own with shared registers, one register per client,
/// a parent for sequential creates and one for the ephemerals of the session that is left to expire; and a lock
/// and a queue of the run's own.</summary>
public sealed record ChaosLayout(string Root, int SharedKeys, int Clients)
{
    public string Registers => Root + "/r";

    public string Sequential => Root + "/seq";

    public string Ephemerals => Root + "/eph";

    public string Final => Root + "/final";

    /// <summary>The run's lock and queue (recipe names, not paths).</summary>
    public string RecipeName => "chaos" + Root.Replace('/', '-');

    public string SharedKey(int index) => $"{Registers}/k{index}";

    public string OwnKey(int client) => $"{Registers}/own{client}";

    public IEnumerable<string> AllRegisterKeys =>
        Enumerable.Range(0, SharedKeys).Select(SharedKey).Concat(Enumerable.Range(0, Clients).Select(OwnKey));
}
