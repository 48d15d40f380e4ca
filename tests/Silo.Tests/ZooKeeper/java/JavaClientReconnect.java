import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Debian's ZooKeeper Java client against the grid, driven by the test over stdin/stdout: holds a getData watch and a
 * persistent recursive watch (addWatch), lives through the disconnects the test forces, and reports the events.
 * Prints "ready", waits for "cut" lines (the test dropped the connection), then "change"; prints each event as
 * "event TYPE PATH", "connects N" (how many times it connected) and "done".
 */
public final class JavaClientReconnect {
    public static void main(String[] args) throws Exception {
        String hosts = args[0];
        String root = args[1];
        BlockingQueue<WatchedEvent> states = new LinkedBlockingQueue<>();
        AtomicInteger connects = new AtomicInteger();
        ZooKeeper zk = new ZooKeeper(hosts, 10000, event -> {
            if (event.getType() == Watcher.Event.EventType.None) {
                if (event.getState() == Watcher.Event.KeeperState.SyncConnected) connects.incrementAndGet();
                states.add(event);
            }
        });
        await(states, Watcher.Event.KeeperState.SyncConnected);
        // getConfig reads /zookeeper/config: empty on a standalone ZooKeeper 3.8 (Curator's getConfig() too).
        if (zk.getConfig(false, null).length != 0) throw new IllegalStateException("/zookeeper/config is not empty");
        zk.create(root, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(root + "/a", "1".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        BlockingQueue<WatchedEvent> oneShot = new LinkedBlockingQueue<>();
        BlockingQueue<WatchedEvent> recursive = new LinkedBlockingQueue<>();
        // The Java client hands connection state changes (type None) to every watcher too: keep node events only.
        zk.getData(root + "/a", e -> { if (e.getType() != Watcher.Event.EventType.None) oneShot.add(e); }, null);
        zk.addWatch(root, e -> { if (e.getType() != Watcher.Event.EventType.None) recursive.add(e); }, AddWatchMode.PERSISTENT_RECURSIVE);
        System.out.println("ready");

        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null && line.equals("cut")) {
            // The test dropped the connection: the client must come back (setWatches with both watches) and stay.
            await(states, Watcher.Event.KeeperState.Disconnected);
            await(states, Watcher.Event.KeeperState.SyncConnected);
            zk.exists(root, false);
            System.out.println("reconnected");
        }

        zk.setData(root + "/a", "2".getBytes(), -1);
        zk.create(root + "/a/b", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        print(oneShot.poll(30, TimeUnit.SECONDS));
        print(recursive.poll(30, TimeUnit.SECONDS));
        print(recursive.poll(30, TimeUnit.SECONDS));
        System.out.println("connects " + connects.get());
        zk.close();
        System.out.println("done");
    }

    private static void await(BlockingQueue<WatchedEvent> states, Watcher.Event.KeeperState wanted) throws InterruptedException {
        while (true) {
            WatchedEvent event = states.poll(60, TimeUnit.SECONDS);
            if (event == null) throw new IllegalStateException("no " + wanted + " within 60 s");
            if (event.getState() == wanted) return;
        }
    }

    private static void print(WatchedEvent event) {
        System.out.println(event == null ? "event none" : "event " + event.getType() + " " + event.getPath());
    }
}
