using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Sessions;
using OrleansCoord.SessionLayer;
using OrleansCoord.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Client;

/// <summary>
/// A session with the grid and the operations of ZooKeeper's API on it. Dispose (or
/// <see cref="CloseAsync"/>) closes the session, which deletes its ephemerals.
/// </summary>
public sealed partial class CoordClient : IAsyncDisposable
{
    private readonly IHost? _host;
    private readonly IGrainFactory _grains;
    private readonly RequestRunner _runner;
    private readonly ZNodeCalls _znodes;
    private readonly SessionKeeper _keeper;
    private readonly WatchHub _watches;
    private readonly WatchResyncer _resyncer;
    private readonly GridConnectionEvents? _connectionEvents;
    private readonly RevisionTracker _revisions = new();

    private CoordClient(IHost? host, IGrainFactory grains, CoordClientOptions options, SessionInfo session)
    {
        _host = host;
        _grains = grains;
        _runner = new RequestRunner(options.RequestTimeout);
        SessionId = session.SessionId;
        SessionTimeout = TimeSpan.FromMilliseconds(session.TimeoutMs);
        _credential = session.Credential ?? throw new CoordException(CoordErrorCode.SystemError, null, "the grid opened a session without a credential");
        // Each call carries the session's credential (Acls.Caller), set per attempt inside the call's own async flow.
        _znodes = new ZNodeCalls(grains, grains.GetStringKeyGrain<IZNodeGrain>, SessionId, _revisions,
            _runner.RulesCarrying(() => Credential), options.RequestTimeout);
        _keeper = new SessionKeeper(grains.GetGrain<ISessionGrain>(session.SessionId), () => Credential, Renewed, SessionTimeout);
        var services = (grains as IClusterClient)?.ServiceProvider;
        _watches = new WatchHub(grains, () => LastRevision);
        _resyncer = new WatchResyncer(_watches, path => ExistsAsync(path), options.WatchCheckPeriod);
        _watches.EventsLost += () => _resyncer.Request(renew: true, TimeSpan.Zero);
        _keeper.StateChanged += OnSessionStateChanged;
        _connectionEvents = services?.GetService<GridConnectionEvents>();
        if (_connectionEvents is not null) _connectionEvents.Changed += OnGatewaysChanged;
    }

    /// <summary>The session's 64-bit id (the ephemeralOwner of the ephemerals it creates).</summary>
    public long SessionId { get; }

    /// <summary>The negotiated session timeout.</summary>
    public TimeSpan SessionTimeout { get; }

    /// <summary>Where the session stands, as far as this client knows.</summary>
    public SessionState State => _keeper.State;

    /// <summary>Raised when <see cref="State"/> changes (Disconnected, Connected again, Expired, Closed).</summary>
    public event Action<SessionState>? StateChanged
    {
        add => _keeper.StateChanged += value;
        remove => _keeper.StateChanged -= value;
    }

    /// <summary>The highest revision this session has seen; its writes get higher ones.</summary>
    public long LastRevision => _revisions.Last;

    /// <summary>Connects to the grid's gateways and opens a session.</summary>
    public static async Task<CoordClient> ConnectAsync(CoordClientOptions options, CancellationToken cancellationToken = default)
    {
        var host = await GridConnection.StartAsync(options, cancellationToken);
        try
        {
            return await OpenAsync(host, host.Services.GetRequiredService<IClusterClient>(), options, cancellationToken);
        }
        catch
        {
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
            throw;
        }
    }

    /// <summary>Connects with the given servers (<c>host:port[,host:port]</c>) and session timeout.</summary>
    public static Task<CoordClient> ConnectAsync(string servers, TimeSpan sessionTimeout, CancellationToken cancellationToken = default) =>
        ConnectAsync(new CoordClientOptions { Servers = CoordClientOptions.ParseServers(servers), SessionTimeout = sessionTimeout }, cancellationToken);

    /// <summary>Opens a session over an Orleans client (or silo grain factory) that the caller owns.</summary>
    public static Task<CoordClient> ConnectAsync(IGrainFactory grains, TimeSpan sessionTimeout, CancellationToken cancellationToken = default) =>
        OpenAsync(null, grains, new CoordClientOptions { SessionTimeout = sessionTimeout }, cancellationToken);

    /// <summary>Opens a session over an Orleans client (or silo grain factory) that the caller owns, with the session
    /// options of <paramref name="options"/> (timeouts, <see cref="CoordClientOptions.Certificate"/>); its servers and TLS
    /// are the grain factory's business.</summary>
    public static Task<CoordClient> ConnectAsync(IGrainFactory grains, CoordClientOptions options, CancellationToken cancellationToken = default) =>
        OpenAsync(null, grains, options, cancellationToken);

    private static async Task<CoordClient> OpenAsync(IHost? host, IGrainFactory grains, CoordClientOptions options, CancellationToken cancellationToken)
    {
        var runner = new RequestRunner(options.RequestTimeout);
        var requested = (int)Math.Clamp(options.SessionTimeout.TotalMilliseconds, 0, int.MaxValue);
        var session = await runner.RunAsync(null, idempotent: true,
            async () => (await SessionOpening.OpenAsync(grains, requested)).Info, cancellationToken);

        var client = new CoordClient(host, grains, options, session);
        client._keeper.Start();
        if (options.IdentityCertificate is { } certificate)
        {
            try
            {
                await client.ProveCertificateAsync(certificate, cancellationToken);
            }
            catch
            {
                // A certificate the grid refused: no session is left behind (the caller gets AuthFailed).
                await client.EndOpenedSessionAsync();
                throw;
            }
        }

        return client;
    }

    /// <summary>Closes the session (its ephemerals are deleted) and disconnects. Safe to call twice.</summary>
    public async Task CloseAsync()
    {
        await StopWatchingAsync();
        if (await _keeper.StopAsync() && _keeper.State != SessionState.Expired)
        {
            try
            {
                await _runner.RunAsync(null, idempotent: true,
                    async () => { Caller.Use(Credential); await _grains.GetGrain<ISessionGrain>(SessionId).Close(); return 0; }, CancellationToken.None);
            }
            catch (Exception exception) when (exception is CoordException { Code: CoordErrorCode.ConnectionLoss or CoordErrorCode.OperationTimeout }
                or ObjectDisposedException)
            {
                // The grid is out of reach: like ZooKeeper's close, give up; the session ends by expiry.
            }
            catch (CoordException exception) when (exception.Code == CoordErrorCode.AuthFailed)
            {
                // The credential ended (its certificate did, docs/adr/017) and heartbeats are refused: the session ends by expiry.
            }
            finally
            {
                _keeper.MarkClosed();
            }
        }

        if (_host is not null)
        {
            await _host.StopAsync(CancellationToken.None);
            _host.Dispose();
        }
    }

    /// <summary>Closes the session at once, best effort, without stopping the host (ConnectAsync does that).</summary>
    private async Task EndOpenedSessionAsync()
    {
        await StopWatchingAsync();
        await _keeper.StopAsync();
        try
        {
            Caller.Use(Credential);
            await _grains.GetGrain<ISessionGrain>(SessionId).Close();
        }
        catch (Exception)
        {
            // Out of reach: the session ends by expiry.
        }

        _keeper.MarkClosed();
    }

    /// <summary>Stops heartbeats and disconnects without closing the session, as a crashed process would:
    /// the grid expires the session after its timeout. Meant for tests and tools.</summary>
    public async Task AbandonAsync()
    {
        await StopWatchingAsync();
        await _keeper.StopAsync();
        if (_host is not null)
        {
            await _host.StopAsync(CancellationToken.None);
            _host.Dispose();
        }
    }

    public ValueTask DisposeAsync() => new(CloseAsync());

    private async Task StopWatchingAsync()
    {
        if (_connectionEvents is not null) _connectionEvents.Changed -= OnGatewaysChanged;
        await _resyncer.DisposeAsync();
        try
        {
            await _watches.DropAllAsync();
        }
        catch (Exception)
        {
            // Unsubscribing needs the grid; when it is away, the subscriptions go with this client's connection.
        }
    }

    private void ThrowIfEnded()
    {
        switch (_keeper.State)
        {
            case SessionState.Expired: throw CoordException.SessionExpired(SessionId);
            case SessionState.Closed: throw new CoordException(CoordErrorCode.SessionExpired, $"0x{SessionId:x16}", "session closed");
        }
    }
}
