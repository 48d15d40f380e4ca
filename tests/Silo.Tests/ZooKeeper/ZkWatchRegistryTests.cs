using OrleansCoord.ZooKeeper.Server.Watches;
using OrleansCoord.Watches;
using OrleansCoord.ZNodes;
using OrleansCoord.SessionLayer;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// The events a reply implies for watches on other znodes than the one it is about (the writer sends them before the
/// reply, ZooKeeper's "event before the read that shows the change"), decided from revisions alone.
/// </summary>
public sealed class ZkWatchRegistryTests
{
    [Fact]
    public void ChildShownCreatedAfterTheParentsChildWatch_FiresNodeChildrenChangedOnTheParent()
    {
        var registry = new ZkWatchRegistry();
        registry.AddOneShot("/p", WatchKind.Children, new Stat { Pzxid = 100 });

        Assert.Null(registry.ObserveParent("/p/old", new Stat { Czxid = 90, Mzxid = 120 }));
        Assert.Null(registry.ObserveParent("/q/x", new Stat { Czxid = 150 }));
        var change = registry.ObserveParent("/p/new", new Stat { Czxid = 150, Mzxid = 150 });
        Assert.Equal(new WatchEvent(WatchEventType.NodeChildrenChanged, "/p", 150), change);
        Assert.True(registry.Trigger(change!, out var released, oneShotOnly: true));
        Assert.Equal(1, released);
        Assert.Null(registry.ObserveParent("/p/newer", new Stat { Czxid = 160 }));
    }

    [Fact]
    public void ChildrenListWithoutAWatchedChild_FiresNodeDeleted_OnlyWhenTheListIsNewerThanTheWatch()
    {
        var registry = new ZkWatchRegistry();
        registry.AddOneShot("/p/gone", WatchKind.Data, new Stat { Czxid = 10, Mzxid = 50 });
        registry.AddOneShot("/p/kept", WatchKind.Exist, new Stat { Czxid = 10, Mzxid = 20 });
        registry.AddOneShot("/p/later", WatchKind.Exist, null);
        registry.AddOneShot("/p/gone/deeper", WatchKind.Data, new Stat { Czxid = 30, Mzxid = 30 });

        // A list read before the watch's read (revision 40 < 50) says nothing about /p/gone.
        Assert.Null(registry.ObserveChildren("/p", ["kept"], parentPzxid: 40));

        var changes = registry.ObserveChildren("/p", ["kept"], parentPzxid: 60);
        Assert.Equal([new WatchEvent(WatchEventType.NodeDeleted, "/p/gone", long.MaxValue)], changes);
        Assert.True(registry.Trigger(changes![0], out var released, oneShotOnly: true));
        Assert.Equal(1, released);
        Assert.False(registry.HasOneShot("/p/gone", WatchKind.Data));
        Assert.True(registry.HasOneShot("/p/later", WatchKind.Exist));
    }

    [Fact]
    public void EventNotifiedFromAReply_IsNotNotifiedAgainFromTheStream_ForAPersistentRecursiveWatch()
    {
        // One notification per event and connection: the client hands it to its data watcher and its recursive watcher.
        var registry = new ZkWatchRegistry();
        registry.AddOneShot("/r/a", WatchKind.Data, new Stat { Czxid = 10, Mzxid = 10 });
        registry.AddPersistent("/r", recursive: true);

        var implied = registry.Observe("/r/a", new Stat { Czxid = 10, Mzxid = 20 });
        Assert.Equal(new WatchEvent(WatchEventType.NodeDataChanged, "/r/a", 20), implied);
        Assert.True(registry.Trigger(implied!, out _, oneShotOnly: true));

        Assert.False(registry.Trigger(new WatchEvent(WatchEventType.NodeDataChanged, "/r/a", 20), out _));
        Assert.True(registry.Trigger(new WatchEvent(WatchEventType.NodeDataChanged, "/r/a", 30), out _));
        Assert.True(registry.Trigger(new WatchEvent(WatchEventType.NodeCreated, "/r/a/b", 31), out _));
    }

    [Fact]
    public void PersistentWatchAddedAfterAReplyShowedAChange_DoesNotReportThatChange_WhenItsStreamEventComesLate()
    {
        // The connection created /r and /r/a (replies showed them), then added the watches; the creates' stream events
        // arrive only now. ZooKeeper would never report them: they came before the watch.
        var registry = new ZkWatchRegistry();
        registry.Saw("/r", new Stat { Czxid = 10, Mzxid = 10, Pzxid = 11 });
        registry.Saw("/r/a", new Stat { Czxid = 11, Mzxid = 11, Pzxid = 11 });
        registry.AddOneShot("/r/a", WatchKind.Data, new Stat { Czxid = 11, Mzxid = 11 });
        registry.AddPersistent("/r", recursive: true);
        registry.AddPersistent("/r/a", recursive: false);

        Assert.False(registry.Trigger(new WatchEvent(WatchEventType.NodeCreated, "/r", 10), out _));
        Assert.False(registry.Trigger(new WatchEvent(WatchEventType.NodeCreated, "/r/a", 11), out var released));
        Assert.Equal(0, released);
        Assert.False(registry.Trigger(new WatchEvent(WatchEventType.NodeChildrenChanged, "/r", 11), out _));

        // What comes after the watches is reported, also when a later reply shows it first.
        registry.Saw("/r/a", new Stat { Czxid = 11, Mzxid = 20, Pzxid = 11 });
        Assert.True(registry.Trigger(new WatchEvent(WatchEventType.NodeDataChanged, "/r/a", 20), out released));
        Assert.Equal(1, released);
        Assert.True(registry.Trigger(new WatchEvent(WatchEventType.NodeCreated, "/r/a/b", 21), out _));
        // A deletion of the state that was seen came after it.
        Assert.True(registry.Trigger(new WatchEvent(WatchEventType.NodeDeleted, "/r", 11), out _));
    }

    [Fact]
    public void PersistentWatch_AddedBeforeAnyReplyShowedTheNode_ReportsEveryChange()
    {
        var registry = new ZkWatchRegistry();
        registry.AddPersistent("/r", recursive: true);
        registry.Saw("/r/a", new Stat { Czxid = 11, Mzxid = 11 });
        Assert.True(registry.Trigger(new WatchEvent(WatchEventType.NodeCreated, "/r/a", 11), out _));

        // A watch added after the reply judges by what the connection had seen by then; the first keeps its own view.
        registry.AddPersistent("/r/a", recursive: false);
        registry.RemovePersistent("/r", recursive: true);
        Assert.False(registry.Trigger(new WatchEvent(WatchEventType.NodeCreated, "/r/a", 11), out _));
        Assert.True(registry.Trigger(new WatchEvent(WatchEventType.NodeDataChanged, "/r/a", 12), out _));
    }
}
