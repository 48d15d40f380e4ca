import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * Curator 5.4's CuratorCache (a persistent recursive watch, addWatch) against the grid, driven by the test over
 * stdin/stdout: prints "initialized" once the cache has loaded, then for each "cut" line (the test dropped the
 * connection) waits for Curator's RECONNECTED and prints "reconnected"; at the end of stdin creates a child and
 * prints "created PATH" when the cache sees it, then "reconnects N" and "done".
 */
public final class CuratorCacheReconnect {
    public static void main(String[] args) throws Exception {
        String hosts = args[0];
        String root = args[1];
        CuratorFramework client = CuratorFrameworkFactory.newClient(hosts, 10000, 5000, new ExponentialBackoffRetry(200, 10));
        BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
        client.getConnectionStateListenable().addListener((c, state) -> states.add(state));
        client.start();
        client.blockUntilConnected(60, TimeUnit.SECONDS);
        client.create().creatingParentsIfNeeded().forPath(root + "/first", new byte[0]);

        CountDownLatch initialized = new CountDownLatch(1);
        BlockingQueue<String> created = new LinkedBlockingQueue<>();
        CuratorCache cache = CuratorCache.build(client, root);
        cache.listenable().addListener(CuratorCacheListener.builder()
            .forCreates(node -> created.add(node.getPath()))
            .forInitialized(initialized::countDown)
            .build());
        cache.start();
        if (!initialized.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("cache not initialized");
        System.out.println("initialized");

        int reconnects = 0;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null && line.equals("cut")) {
            while (true) {
                ConnectionState state = states.poll(60, TimeUnit.SECONDS);
                if (state == null) throw new IllegalStateException("no RECONNECTED within 60 s");
                if (state == ConnectionState.RECONNECTED) break;
            }
            reconnects++;
            System.out.println("reconnected");
        }

        created.clear();
        client.create().forPath(root + "/after", new byte[0]);
        while (true) {
            String path = created.poll(30, TimeUnit.SECONDS);
            if (path == null) throw new IllegalStateException("the cache never saw " + root + "/after");
            if (path.equals(root + "/after")) break;
        }
        System.out.println("created " + root + "/after");
        for (ConnectionState state : states) if (state == ConnectionState.RECONNECTED) reconnects++;
        System.out.println("reconnects " + reconnects);
        cache.close();
        client.close();
        System.out.println("done");
    }
}
