using OrleansCoord.Proxy.Configuration;
using OrleansCoord.Watches;

namespace OrleansCoord.Proxy.Tests.Configuration;

public sealed class GridChangesTests
{
    [Fact]
    public void Take_FirstReadOfAConnection_ReadsEverything_ThenNothingUntilAnEvent()
    {
        var changes = new GridChanges();
        Assert.True(changes.Take().All);
        var idle = changes.Take();
        Assert.False(idle.All || idle.Routes || idle.Clusters);
        Assert.Empty(idle.Instances);
    }

    [Fact]
    public void Record_EventsBelowEachRoot_MarkTheirSection()
    {
        var changes = new GridChanges();
        changes.Take();
        Assert.True(changes.Record(Event(WatchEventType.NodeDataChanged, "/proxy/routes/api")));
        Assert.True(changes.Record(Event(WatchEventType.NodeCreated, "/proxy/clusters")));
        Assert.True(changes.Record(Event(WatchEventType.NodeCreated, "/services/web/i-1")));
        Assert.True(changes.Record(Event(WatchEventType.NodeDeleted, "/services/api")));
        Assert.True(changes.Record(Event(WatchEventType.NodeCreated, "/services/db/i-1/deeper")));

        var pending = changes.Take();
        Assert.False(pending.All);
        Assert.True(pending.Routes);
        Assert.True(pending.Clusters);
        Assert.Equal(["api", "db", "web"], pending.Instances.Order());
    }

    [Fact]
    public void Record_PathsOutsideTheRoots_AreNotTheProxys()
    {
        var changes = new GridChanges();
        changes.Take();
        Assert.False(changes.Record(Event(WatchEventType.NodeCreated, "/proxy/routesX/a")));
        Assert.False(changes.Record(Event(WatchEventType.NodeDataChanged, "/proxy/status/p-1")));
        Assert.False(changes.Record(Event(WatchEventType.NodeCreated, "/servicesX/a")));
        var pending = changes.Take();
        Assert.False(pending.All || pending.Routes || pending.Clusters);
        Assert.Empty(pending.Instances);
    }

    [Theory]
    [InlineData(WatchState.SyncConnected, true)] // a recursive watch's "events were lost, re-read the subtree"
    [InlineData(WatchState.Disconnected, false)]
    [InlineData(WatchState.SyncConnected, false)]
    [InlineData(WatchState.Expired, false)]
    public void Record_SessionEventsAndLostMarkers_MakeTheNextReadAFullOne(WatchState state, bool coalesced)
    {
        var changes = new GridChanges();
        changes.Take();
        Assert.True(changes.Record(new WatchEvent(WatchEventType.None, "/services", 7, state, coalesced)));
        Assert.True(changes.Take().All);
    }

    [Fact]
    public void Record_TheRegistryRootItself_MakesTheNextReadAFullOne()
    {
        var changes = new GridChanges();
        changes.Take();
        Assert.True(changes.Record(Event(WatchEventType.NodeDeleted, "/services")));
        Assert.True(changes.Take().All);
    }

    private static WatchEvent Event(WatchEventType type, string path) => new(type, path, 1);
}
