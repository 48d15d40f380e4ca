namespace OrleansCoord.Explorer;

/// <summary>What the silo's host decides about the grid explorer (<c>/explorer</c> on the HTTP port).</summary>
public sealed class ExplorerOptions
{
    /// <summary>Whether the explorer may create, set and delete znodes (silo flag <c>--explorer-edit</c>).</summary>
    /// <value>false: read-only.</value>
    /// <remarks>Even when on, a write goes through a session of its own that proved a digest identity (the user's
    /// <c>user:password</c>, checked by the grid), so the znodes' ACLs decide; the explorer never writes as itself.</remarks>
    public bool EditEnabled { get; init; }

    /// <summary>Most live-update streams (each one persistent watch) open at once for one browser.</summary>
    /// <value>4</value>
    public int MaxLiveStreamsPerBrowser { get; init; } = 4;

    /// <summary>Most live-update streams open at once over all browsers.</summary>
    /// <value>64</value>
    public int MaxLiveStreams { get; init; } = 64;

    /// <summary>Most signed-in editing sessions at once (each one a grid session).</summary>
    /// <value>16</value>
    public int MaxEditSessions { get; init; } = 16;

    /// <summary>How long an editing sign-in lasts without use before its grid session is closed.</summary>
    /// <value>15 minutes.</value>
    public TimeSpan EditIdleTimeout { get; init; } = TimeSpan.FromMinutes(15);
}
