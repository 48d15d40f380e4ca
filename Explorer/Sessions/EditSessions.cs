using System.Security.Cryptography;
using OrleansCoord.Client;

namespace OrleansCoord.Explorer.Sessions;

/// <summary>
/// The signed-in editors: each one a grid session of its own that proved a digest identity with AddAuth, found by a
/// random token in an HttpOnly cookie. Writes go through it, so the grid checks the znodes' ACLs against that identity;
/// there is no shared identity that could write for everyone. Bounded in number; closed after being idle.
/// </summary>
internal sealed class EditSessions(IGrainFactory grains, ExplorerOptions options, TimeProvider time) : IAsyncDisposable
{
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, Editor> _editors = new(StringComparer.Ordinal);

    private sealed class Editor(CoordClient client, DateTimeOffset lastUse)
    {
        public CoordClient Client { get; } = client;
        public DateTimeOffset LastUse { get; set; } = lastUse;
    }

    /// <summary>Opens a session, proves <c>digest user:password</c> on it and returns its token; null when full.
    /// Throws the grid's AuthFailed for a malformed credential.</summary>
    public async Task<(string Token, CoordClient Client)?> SignInAsync(string user, string password, CancellationToken cancellationToken)
    {
        await CloseIdleAsync();
        lock (_editors)
        {
            if (_editors.Count >= options.MaxEditSessions) return null;
        }

        var client = await CoordClient.ConnectAsync(grains, SessionTimeout, cancellationToken);
        try
        {
            await client.AddAuthAsync("digest", $"{user}:{password}");
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        lock (_editors) _editors[token] = new Editor(client, time.GetUtcNow());
        return (token, client);
    }

    /// <summary>The editor's session for <paramref name="token"/>, or null (unknown, idle too long, or ended).</summary>
    public CoordClient? Find(string? token)
    {
        if (token is null) return null;
        lock (_editors)
        {
            if (!_editors.TryGetValue(token, out var editor)) return null;
            if (time.GetUtcNow() - editor.LastUse > options.EditIdleTimeout
                || editor.Client.State is SessionState.Expired or SessionState.Closed) return null;
            editor.LastUse = time.GetUtcNow();
            return editor.Client;
        }
    }

    /// <summary>Signs out: closes the editor's session.</summary>
    public async Task SignOutAsync(string? token)
    {
        Editor? editor = null;
        lock (_editors)
        {
            if (token is not null && _editors.Remove(token, out var found)) editor = found;
        }

        if (editor is not null) await editor.Client.DisposeAsync();
    }

    private async Task CloseIdleAsync()
    {
        List<Editor> idle;
        lock (_editors)
        {
            var now = time.GetUtcNow();
            var tokens = _editors.Where(e => now - e.Value.LastUse > options.EditIdleTimeout
                || e.Value.Client.State is SessionState.Expired or SessionState.Closed).Select(e => e.Key).ToList();
            idle = [.. tokens.Select(t => _editors[t])];
            foreach (var token in tokens) _editors.Remove(token);
        }

        foreach (var editor in idle) await editor.Client.DisposeAsync();
    }

    /// <summary>Closes every editor's session (with the silo).</summary>
    public async ValueTask DisposeAsync()
    {
        List<Editor> all;
        lock (_editors)
        {
            all = [.. _editors.Values];
            _editors.Clear();
        }

        foreach (var editor in all) await editor.Client.DisposeAsync();
    }
}
