namespace OrleansCoord.Explorer.Sessions;

/// <summary>
/// Counts the live-update streams (one persistent watch each) per browser and in all, and refuses one more beyond
/// <see cref="ExplorerOptions.MaxLiveStreamsPerBrowser"/> or <see cref="ExplorerOptions.MaxLiveStreams"/>, so that no
/// page, however many tabs it opens, can pile up watches in the grid.
/// </summary>
internal sealed class LiveStreamLimits(ExplorerOptions options)
{
    private readonly Dictionary<string, int> _perBrowser = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>Streams open now, in all.</summary>
    public int Open
    {
        get { lock (_perBrowser) return _total; }
    }

    /// <summary>Takes a place for <paramref name="browser"/>; false when a limit is reached.</summary>
    public bool TryEnter(string browser)
    {
        lock (_perBrowser)
        {
            var mine = _perBrowser.GetValueOrDefault(browser);
            if (_total >= options.MaxLiveStreams || mine >= options.MaxLiveStreamsPerBrowser) return false;
            _perBrowser[browser] = mine + 1;
            _total++;
            return true;
        }
    }

    /// <summary>Gives back a place taken by <see cref="TryEnter"/>.</summary>
    public void Exit(string browser)
    {
        lock (_perBrowser)
        {
            _total--;
            if (--_perBrowser[browser] == 0) _perBrowser.Remove(browser);
        }
    }
}
