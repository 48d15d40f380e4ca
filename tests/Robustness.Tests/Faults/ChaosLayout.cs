namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>Where one run's znodes live: a root of its own with shared registers, one register per client,
/// a parent for sequential creates and one for the ephemerals of the session that is left to expire.</summary>
public sealed record ChaosLayout(string Root, int SharedKeys, int Clients)
{
    public string Registers => Root + "/r";

    public string Sequential => Root + "/seq";

    public string Ephemerals => Root + "/eph";

    public string Final => Root + "/final";

    public string SharedKey(int index) => $"{Registers}/k{index}";

    public string OwnKey(int client) => $"{Registers}/own{client}";

    public IEnumerable<string> AllRegisterKeys =>
        Enumerable.Range(0, SharedKeys).Select(SharedKey).Concat(Enumerable.Range(0, Clients).Select(OwnKey));
}
