import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import org.apache.zookeeper.*;

/**
 * The ZooKeeper side of `bench watch`: persistent watchers (addWatch PERSISTENT, ZooKeeper 3.6+) on one znode,
 * spread over several sessions; a writer sets the znode, waits until every watcher heard of it (or a second
 * passed), and sets it again. Latency runs from just before the set to the watcher's callback. Prints the same
 * table as the .NET tool: ops = notifications, errors = notifications that did not come in time.
 * Usage: java -cp <zookeeper jars>:. ZkWatchBench --server host:port [--watchers 1,1000] [--sessions 10]
 *        [--sets 1000] [--warmup 100] [--session-timeout MS]
 */
public final class ZkWatchBench {
    static final String HEADER = "phase         ops  errors   seconds      ops/s    p50 ms    p99 ms    max ms";

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>(Map.of("--server", "localhost:2181", "--watchers", "1,1000",
                "--sessions", "10", "--sets", "1000", "--warmup", "100", "--session-timeout", "30000"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!opt.containsKey(args[i])) { System.err.println("unknown option " + args[i]); System.exit(2); }
            opt.put(args[i], args[i + 1]);
        }
        String server = opt.get("--server");
        int sets = Integer.parseInt(opt.get("--sets"));
        int warmup = Math.min(Integer.parseInt(opt.get("--warmup")), sets);
        int timeout = Integer.parseInt(opt.get("--session-timeout"));
        System.out.println("# target=zookeeper server=" + server + " sets=" + sets + " warmup=" + warmup);
        System.out.println(HEADER);
        boolean failed = false;
        for (String count : opt.get("--watchers").split(",")) {
            int watchers = Integer.parseInt(count.trim());
            int sessions = Math.min(watchers, Integer.parseInt(opt.get("--sessions")));
            String line = run(server, timeout, watchers, sessions, sets, warmup);
            System.out.println(line);
            failed |= !line.matches(".*\\s0\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9.]+$");
        }
        System.exit(failed ? 1 : 0);
    }

    static ZooKeeper connect(String server, int timeout) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(server, timeout, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
        });
        if (!connected.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("no connection to " + server);
        return zk;
    }

    static String run(String server, int timeout, int watchers, int sessions, int sets, int warmup) throws Exception {
        ZooKeeper writer = connect(server, timeout);
        String path = writer.create("/bench-watch-" + UUID.randomUUID().toString().replace("-", ""), new byte[16],
                ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        List<ZooKeeper> clients = new ArrayList<>();
        AtomicLong setStarted = new AtomicLong();
        AtomicInteger pending = new AtomicInteger();
        Semaphore allHeard = new Semaphore(0);
        AtomicBoolean recording = new AtomicBoolean();
        long[] latencies = new long[sets * watchers];
        long[] acks = new long[sets];
        AtomicInteger recorded = new AtomicInteger();
        try {
            for (int s = 0; s < sessions; s++) clients.add(connect(server, timeout));
            for (int w = 0; w < watchers; w++) {
                Watcher watcher = e -> {
                    if (e.getType() != Watcher.Event.EventType.NodeDataChanged) return;
                    long micros = (System.nanoTime() - setStarted.get()) / 1000;
                    if (recording.get()) {
                        int slot = recorded.getAndIncrement();
                        if (slot < latencies.length) latencies[slot] = Math.max(1, micros);
                    }
                    if (pending.decrementAndGet() == 0) allHeard.release();
                };
                clients.get(w % sessions).addWatch(path, watcher, AddWatchMode.PERSISTENT);
            }
            System.err.println("# " + watchers + " watchers on " + path + " over " + sessions + " sessions");

            int missed = 0;
            long begun = 0;
            for (int i = -warmup; i < sets; i++) {
                if (i == 0) { recording.set(true); begun = System.nanoTime(); }
                pending.set(watchers);
                setStarted.set(System.nanoTime());
                writer.setData(path, java.nio.ByteBuffer.allocate(4).putInt(i).array(), -1);
                if (i >= 0) acks[i] = Math.max(1, (System.nanoTime() - setStarted.get()) / 1000);
                if (!allHeard.tryAcquire(1, TimeUnit.SECONDS)) {
                    int late = pending.getAndSet(Integer.MIN_VALUE / 2);
                    if (i >= 0) missed += Math.max(0, late);
                    Thread.sleep(1000);
                    allHeard.drainPermits();
                }
            }
            double seconds = (System.nanoTime() - begun) / 1e9;
            // Where the time goes: the writer's own set (its acknowledgement) is part of every notification's latency.
            Arrays.sort(acks);
            System.err.println(String.format(Locale.ROOT, "# watch-%d: set acknowledged after p50 %.3f ms, p99 %.3f ms",
                    watchers, percentile(acks, 50) / 1000.0, percentile(acks, 99) / 1000.0));
            int heard = Math.min(recorded.get(), latencies.length);
            long[] sorted = Arrays.copyOf(latencies, heard);
            Arrays.sort(sorted);
            return String.format(Locale.ROOT, "%-8s %8d %7d %9.3f %10.1f %9.3f %9.3f %9.3f",
                    "watch-" + watchers, heard, missed, seconds, heard / seconds,
                    percentile(sorted, 50) / 1000.0, percentile(sorted, 99) / 1000.0, heard == 0 ? 0 : sorted[heard - 1] / 1000.0);
        } finally {
            for (ZooKeeper zk : clients) zk.close();
            writer.delete(path, -1);
            writer.close();
        }
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
