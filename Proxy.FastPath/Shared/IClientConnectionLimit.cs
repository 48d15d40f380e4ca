namespace OrleansCoord.Proxy.FastPath;

/// <summary>The count of client connections under <c>--max-connections</c>, shared with Kestrel's listeners.</summary>
internal interface IClientConnectionLimit
{
    /// <summary>Counts a new connection in; false when the limit is reached (the connection is refused).</summary>
    bool TryOpen();

    /// <summary>Counts a connection out.</summary>
    void Close();
}
