using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Sessions;
using OrleansCoord.SessionLayer;
using OrleansCoord.Watches;

namespace OrleansCoord.Grains.Tests;

/// <summary>The session layer's one keep-alive (SessionLayer/SessionKeepAlive.cs) under the rules of either front door,
/// and the one watch-kind type's removal rules (SessionLayer/WatchKind.cs): what the SDK and the wire server share.</summary>
public sealed class SessionKeepAliveTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(600);

    private static CallerCredential CredentialNamed(string name) =>
        new(1, [], [new AuthId("digest", name)], [], IssuedAtMs: 0, ExpiresAtMs: 60_000);

    private static KeepAliveRules SdkRules(Func<CallerCredential> credential, Action<CallerCredential, CallerCredential>? renewed = null) =>
        Client.SessionKeeper.Rules(Timeout, credential, renewed);

    private static KeepAliveRules WireRules(Func<bool>? stillWanted = null) => new()
    {
        SessionTimeout = Timeout,
        Credential = () => CredentialNamed("wire"),
        StillWanted = stillWanted,
    };

    [Fact]
    public async Task UnreachableBeats_KeepGoing_UntilTheSessionHasExpired_ThenItEnds()
    {
        var beats = new ScriptedBeats(
            () => throw new TimeoutException("gateway away"),
            () => throw new TimeoutException("gateway away"),
            () => new SessionInfo(1, 600),
            () => throw CoordException.SessionExpired(1));
        List<SessionBeat> heard = [];

        await new SessionKeepAlive(beats.Next, SdkRules(() => CredentialNamed("sdk")), heard.Add).RunAsync(beats.Stop);

        Assert.Equal([SessionBeat.Unreachable, SessionBeat.Unreachable, SessionBeat.Alive, SessionBeat.Expired], heard);
        Assert.Equal(4, beats.Calls);
    }

    [Fact]
    public async Task SessionMovedToAnotherConnection_EndsTheKeepAlive()
    {
        var beats = new ScriptedBeats(
            () => new SessionInfo(1, 600),
            () => throw new CoordException(CoordErrorCode.SessionMoved, "0x1", "resumed on another connection"),
            () => throw CoordException.SessionExpired(1));
        List<SessionBeat> heard = [];

        await new SessionKeepAlive(beats.Next, WireRules(), heard.Add).RunAsync(beats.Stop);

        Assert.Equal([SessionBeat.Alive, SessionBeat.Moved], heard);
        Assert.Equal(2, beats.Calls);
    }

    [Fact]
    public async Task NoLongerWanted_EndsWithoutAnotherBeat()
    {
        var checks = 0;
        var beats = new ScriptedBeats(() => new SessionInfo(1, 600), () => new SessionInfo(1, 600), () => new SessionInfo(1, 600));
        List<SessionBeat> heard = [];

        await new SessionKeepAlive(beats.Next, WireRules(() => ++checks < 3), heard.Add).RunAsync(beats.Stop);

        Assert.Equal(2, beats.Calls);
        Assert.Equal([SessionBeat.Alive, SessionBeat.Alive], heard);
    }

    [Fact]
    public async Task EachBeat_CarriesTheCredentialAsItIsThen_AndTheRenewedOneIsTaken()
    {
        var current = CredentialNamed("first");
        var renewed = CredentialNamed("renewed");
        var beats = new ScriptedBeats(
            () => new SessionInfo(1, 600, renewed),
            () => throw CoordException.SessionExpired(1));
        List<(CallerCredential Sent, CallerCredential Fresh)> renewals = [];

        await new SessionKeepAlive(beats.Next, SdkRules(() => current, (sent, fresh) => { renewals.Add((sent, fresh)); current = fresh; }), _ => { })
            .RunAsync(beats.Stop);

        var renewal = Assert.Single(renewals);
        Assert.Equal(("first", "renewed"), (renewal.Sent.Identities[0].User, renewal.Fresh.Identities[0].User));
        Assert.Equal(["first", "renewed"], beats.Carried.Select(c => c?.Identities[0].User).ToList());
    }

    [Theory]
    [InlineData(WatcherType.Data, new[] { WatchKind.Data, WatchKind.Exist })]
    [InlineData(WatcherType.Children, new[] { WatchKind.Children })]
    [InlineData(WatcherType.Persistent, new[] { WatchKind.Persistent })]
    [InlineData(WatcherType.PersistentRecursive, new[] { WatchKind.PersistentRecursive })]
    [InlineData(WatcherType.Any, new[] { WatchKind.Data, WatchKind.Exist, WatchKind.Children, WatchKind.Persistent, WatchKind.PersistentRecursive })]
    public void RemoveWatches_OfAType_TakesTheseKinds_AtEitherDoor(WatcherType type, WatchKind[] taken)
    {
        Assert.Equal(taken, Enum.GetValues<WatchKind>().Where(kind => kind.RemovedBy(type)).ToArray());
        Assert.Equal(WatchEventType.DataWatchRemoved, WatchKind.Exist.RemovalEvent());
    }

    /// <summary>Answers the beats in order, records the credential each carried, and stops the keep-alive once the
    /// script has run out (so a keep-alive that should have ended shows as extra beats, not as a test that never ends).</summary>
    private sealed class ScriptedBeats(params Func<SessionInfo>[] script)
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        public CancellationToken Stop => _stop.Token;

        private int _answered;

        /// <summary>How many beats were sent.</summary>
        public int Calls => Carried.Count;

        public List<CallerCredential?> Carried { get; } = [];

        public Task<SessionInfo> Next()
        {
            Carried.Add(Caller.Credential);
            if (_answered == script.Length)
            {
                _stop.Cancel();
                return new TaskCompletionSource<SessionInfo>().Task;
            }

            try
            {
                return Task.FromResult(script[_answered++]());
            }
            catch (Exception exception)
            {
                return Task.FromException<SessionInfo>(exception);
            }
        }
    }
}
