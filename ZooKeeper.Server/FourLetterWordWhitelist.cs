namespace OrleansCoord.ZooKeeper.Server;

/// <summary>
/// Which four-letter words the silo answers: ZooKeeper's <c>4lw.commands.whitelist</c> (setting
/// <c>Endpoints:FourLetterWordWhitelist</c>, flag <c>--4lw-whitelist</c>): a comma-separated list, <c>*</c> for all;
/// <c>srvr</c> is always on (zkServer.sh needs it), and the default is ZooKeeper's: <c>srvr</c> alone.
/// </summary>
internal sealed class FourLetterWordWhitelist
{
    /// <summary>The words ZooKeeper 3.8 knows that the grid answers (gtmk, stmk and hash aside).</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "ruok", "srvr", "stat", "mntr", "cons", "envi", "conf", "wchs", "wchc", "wchp", "dump", "crst", "srst", "isro", "dirs",
    };

    /// <summary>ZooKeeper's default.</summary>
    public const string Default = "srvr";

    private readonly HashSet<string> _enabled = new(StringComparer.Ordinal) { "srvr" };

    public FourLetterWordWhitelist(string? setting)
    {
        foreach (var word in (setting ?? Default).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (word == "*")
            {
                _enabled.UnionWith(Known);
                break;
            }

            _enabled.Add(word);
        }
    }

    public bool IsEnabled(string word) => _enabled.Contains(word);

    /// <summary>ZooKeeper's answer to a known word that is not enabled (its NopCommand), then the connection closes.</summary>
    public static string Refusal(string word) => $"{word} is not executed because it is not in the whitelist.\n";
}
