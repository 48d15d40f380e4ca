using System.Globalization;

namespace OrleansCoord.Grains.Recipes;

/// <summary>
/// The tree-store keys of the recipes (docs/adr/007-recipe-waits.md): one record per recipe, and one index row
/// per (session, recipe) that the session holds something in, so that an ending session finds what to release.
/// </summary>
internal static class RecipeKeys
{
    private const char Separator = '\u0001';

    /// <summary>Prefix of every lease recipe's record; the rest of the key is the recipe's grain key (kind:name).</summary>
    public const string RecordPrefix = "r:";

    /// <summary>The record of the recipe whose grain key is <paramref name="grainKey"/> (kind:name).</summary>
    public static string Record(string grainKey) => RecordPrefix + grainKey;

    /// <summary>The row saying that <paramref name="sessionId"/> holds something in the recipe.</summary>
    public static string HoldIndex(long sessionId, string grainKey) => HoldPrefix(sessionId) + grainKey;

    /// <summary>Prefix of all hold rows of a session; the rest of the key is the recipe's grain key.</summary>
    public static string HoldPrefix(long sessionId) => HoldIndexPrefix + sessionId.ToString("x16", CultureInfo.InvariantCulture) + Separator;

    /// <summary>Prefix of every hold row.</summary>
    public const string HoldIndexPrefix = "h:";

    /// <summary>The recipe's grain key (kind:name) of any hold row (<see cref="HoldIndex"/>).</summary>
    public static string GrainKeyOfHold(string holdKey) => holdKey[(holdKey.IndexOf(Separator) + 1)..];

    /// <summary>The recipe kind of a grain key (kind:name): "lock", "queue", ...</summary>
    public static string KindOf(string grainKey) => grainKey[..Math.Max(0, grainKey.IndexOf(':'))];

    /// <summary>The recipe name of a grain key (kind:name).</summary>
    public static string NameOf(string grainKey) => grainKey[(grainKey.IndexOf(':') + 1)..];

    /// <summary>The session of a fence key <c>s:&lt;hex&gt;</c>.</summary>
    public static long SessionOfFence(string fenceKey) =>
        long.Parse(fenceKey.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
