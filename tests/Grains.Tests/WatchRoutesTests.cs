using OrleansCoord.SessionLayer;
using OrleansCoord.Watches;

namespace OrleansCoord.Grains.Tests;

/// <summary>The one routing of znode events to watch recipients that both front doors use (SessionLayer/WatchRoutes.cs)
/// and the one rule of which events each watch kind hears (<see cref="WatchKindRules.FiresOn"/>).</summary>
public sealed class WatchRoutesTests
{
    private sealed class Recipient(string name)
    {
        public override string ToString() => name;
    }

    private static WatchEvent Event(WatchEventType type, string path) => new(type, path, Revision: 7);

    [Fact]
    public void AnEvent_ReachesItsPathAndEverySubtreeAboveIt_EachRecipientOnce_NearestFirst()
    {
        var (exact, nearRoot, root, both) = (new Recipient("exact"), new Recipient("a"), new Recipient("/"), new Recipient("both"));
        var routes = new WatchRoutes<Recipient>();
        routes.Add("/a/b", subtree: false, exact);
        routes.Add("/a", subtree: true, nearRoot);
        routes.Add("/", subtree: true, root);
        routes.Add("/a/b", subtree: false, both);
        routes.Add("/a/b", subtree: true, both);
        routes.Add("/a", subtree: true, both);

        Assert.Equal([exact, both, nearRoot, root], routes.Match(Event(WatchEventType.NodeDataChanged, "/a/b")));
        Assert.Equal([both, nearRoot, root], routes.Match(Event(WatchEventType.NodeCreated, "/a/b/c")));
        Assert.Equal([root], routes.Match(Event(WatchEventType.NodeDeleted, "/x")));
    }

    [Fact]
    public void ASubtree_IsItsRootAndWhatIsBelowIt_NotASiblingThatSharesItsNamesBeginning()
    {
        var watcher = new Recipient("ab");
        var routes = new WatchRoutes<Recipient>();
        routes.Add("/a/b", subtree: true, watcher);

        Assert.Empty(routes.Match(Event(WatchEventType.NodeCreated, "/a/bc")));
        Assert.Empty(routes.Match(Event(WatchEventType.NodeCreated, "/a")));
        Assert.Equal([watcher], routes.Match(Event(WatchEventType.NodeCreated, "/a/b")));
        Assert.Equal([watcher], routes.Match(Event(WatchEventType.NodeCreated, "/a/b/c")));
    }

    [Fact]
    public void ChildrenChanged_ReachesThePathsRecipients_NotTheSubtreesAboveIt()
    {
        var (exact, subtree) = (new Recipient("exact"), new Recipient("subtree"));
        var routes = new WatchRoutes<Recipient>();
        routes.Add("/a", subtree: false, exact);
        routes.Add("/a", subtree: true, subtree);

        Assert.Equal([exact], routes.Match(Event(WatchEventType.NodeChildrenChanged, "/a")));
    }

    [Fact]
    public void Removal_SaysWhenAPathLostItsLastRecipient_AndWhichShardsStillHaveAny()
    {
        var (first, second, tree) = (new Recipient("1"), new Recipient("2"), new Recipient("tree"));
        var routes = new WatchRoutes<Recipient>();
        var shard = WatchStreams.ShardOf("/p");
        Assert.True(routes.Add("/p", subtree: false, first));
        Assert.False(routes.Add("/p", subtree: false, first));
        routes.Add("/p", subtree: false, second);
        Assert.True(routes.NeedsShard(shard));

        Assert.Equal((true, false), routes.Remove("/p", subtree: false, first));
        Assert.Equal((false, false), routes.Remove("/p", subtree: false, first));
        Assert.Equal((true, true), routes.Remove("/p", subtree: false, second));
        Assert.False(routes.NeedsShard(shard));
        Assert.False(routes.HasPath("/p"));
        Assert.True(routes.IsEmpty);

        // A subtree's events land in every shard: any subtree needs every shard, and a shard's loss reaches it.
        routes.Add("/q", subtree: true, tree);
        Assert.All(Enumerable.Range(0, WatchStreams.Shards), s => Assert.True(routes.NeedsShard(s)));
        Assert.Equal([tree], routes.OnShard(shard));
    }

    [Theory]
    [InlineData(WatchKind.Data, "NodeDataChanged,NodeDeleted")]
    [InlineData(WatchKind.Exist, "NodeCreated,NodeDataChanged,NodeDeleted")]
    [InlineData(WatchKind.Children, "NodeDeleted,NodeChildrenChanged")]
    [InlineData(WatchKind.Persistent, "NodeCreated,NodeDataChanged,NodeDeleted,NodeChildrenChanged")]
    [InlineData(WatchKind.PersistentRecursive, "NodeCreated,NodeDataChanged,NodeDeleted")]
    public void EachWatchKind_HearsZooKeepersEvents_AndNoOthers(WatchKind kind, string heard)
    {
        var expected = heard.Split(',').Select(Enum.Parse<WatchEventType>).ToHashSet();
        foreach (var type in Enum.GetValues<WatchEventType>())
            Assert.True(kind.FiresOn(type) == expected.Contains(type), $"{kind} on {type}");
    }
}
