import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import org.apache.zookeeper.*;
import org.apache.zookeeper.data.ACL;

/**
 * The ZooKeeper side of the OrleansCoord benchmark: the same workload as `bench grid` (phases create, set,
 * get, exists, delete over `ops` distinct znodes under a fresh /bench-<random> parent), issued with the
 * async API, a Semaphore keeping `concurrency` requests outstanding. Prints the same table as the .NET tool.
 * Usage: java -cp <zookeeper jars>:. ZkBench --server host:port [--ops N] [--concurrency N] [--size N]
 *        [--phases create,set,get,exists,delete] [--warmup N] [--session-timeout MS] [--json] [--json-out FILE]
 *        [--pause-ms MS]
 * --pause-ms (profiling, default 0): sleeps MS before each measured phase and after the last, printing "# pause before
 * PHASE" / "# pause after" first and "# go" last, and "# phase PHASE START_MS END_MS" (epoch ms) after each, so that a profiler can take
 * its counters between phases (bench/results/2026-12-07-session15/profile.py).
 */
public final class ZkBench {
    static final String[] ALL_PHASES = {"create", "set", "get", "exists", "delete"};
    static final String HEADER = "phase         ops  errors   seconds      ops/s    p50 ms    p99 ms    max ms";
    static final long PHASE_TIMEOUT_SECONDS = 600;

    /** meanMs and the phase's wall-clock bounds (epoch ms) are in the JSON only: bench/metrics-check.sh compares them with
     *  the silo's /metrics; the text line keeps its columns. */
    record Result(String phase, int ops, int errors, double seconds, double opsPerSecond,
                  double p50Ms, double p99Ms, double maxMs, String firstError, double meanMs, long startedAtMs, long endedAtMs) {
        String line() {
            return String.format(Locale.ROOT, "%-8s %8d %7d %9.3f %10.1f %9.3f %9.3f %9.3f",
                    phase, ops, errors, seconds, opsPerSecond, p50Ms, p99Ms, maxMs);
        }
        String json() {
            return String.format(Locale.ROOT, "{\"phase\":\"%s\",\"ops\":%d,\"errors\":%d,\"seconds\":%.6f,"
                    + "\"opsPerSecond\":%.3f,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"maxMs\":%.3f,\"meanMs\":%.3f,\"startedAtMs\":%d,\"endedAtMs\":%d}",
                    phase, ops, errors, seconds, opsPerSecond, p50Ms, p99Ms, maxMs, meanMs, startedAtMs, endedAtMs);
        }
    }

    static void pause(long ms, String when) throws InterruptedException {
        if (ms <= 0) return;
        System.err.println("# pause " + when);
        Thread.sleep(ms);
        System.err.println("# go");
    }

    interface Op { void issue(ZooKeeper zk, String path, Runnable onOk, java.util.function.IntConsumer onError); }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>(Map.of("--server", "localhost:2181", "--ops", "20000",
                "--concurrency", "200", "--size", "1024", "--phases", String.join(",", ALL_PHASES),
                "--warmup", "1000", "--session-timeout", "30000", "--json-out", "", "--pause-ms", "0"));
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--json")) { json = true; continue; }
            if (!opt.containsKey(args[i]) || i + 1 >= args.length) { System.err.println("bad argument: " + args[i]); System.exit(2); }
            opt.put(args[i], args[++i]);
        }
        String server = opt.get("--server");
        int ops = Integer.parseInt(opt.get("--ops")), concurrency = Integer.parseInt(opt.get("--concurrency"));
        int size = Integer.parseInt(opt.get("--size")), warmup = Integer.parseInt(opt.get("--warmup"));
        String[] phases = opt.get("--phases").split(",");
        long pauseMs = Long.parseLong(opt.get("--pause-ms"));
        for (String p : phases) if (!Arrays.asList(ALL_PHASES).contains(p)) { System.err.println("unknown phase " + p); System.exit(2); }
        // The connection's mode, from ZooKeeper's own client properties (the bench scripts' --tls and --netty set them),
        // so that every output says which mode it was.
        boolean tls = Boolean.getBoolean("zookeeper.client.secure");
        String socket = System.getProperty("zookeeper.clientCnxnSocket", "ClientCnxnSocketNIO").replaceAll(".*\\.", "");
        String describe = String.format(Locale.ROOT, "# target=zookeeper server=%s ops=%d concurrency=%d size=%d clients=1 warmup=%d tls=%s socket=%s",
                server, ops, concurrency, size, warmup, tls ? "on" : "off", socket);
        System.err.println(describe);

        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(server, Integer.parseInt(opt.get("--session-timeout")), e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
        });
        List<Result> results = new ArrayList<>();
        try {
            if (!connected.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("no connection to " + server + " within 30 s");
            String parent = "/bench-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            zk.create(parent, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            System.err.println("# connected, parent " + parent);
            try {
                for (String phase : warmup > 0 ? ALL_PHASES : new String[0])
                    System.err.println("# warm-up " + run(zk, phase, parent + "/w", warmup, concurrency, size).line());
                for (String phase : phases) {
                    pause(pauseMs, "before " + phase);
                    Result r = run(zk, phase, parent + "/n", ops, concurrency, size);
                    if (r.firstError() != null) System.err.println("# " + phase + ": first error: " + r.firstError());
                    if (pauseMs > 0) System.err.println("# phase " + phase + " " + r.startedAtMs() + " " + r.endedAtMs());
                    results.add(r);
                }
                pause(pauseMs, "after");
            } finally {
                cleanUp(zk, parent, concurrency);
            }
        } finally {
            zk.close();
        }
        StringJoiner j = new StringJoiner(",", "[", "]");
        for (Result r : results) j.add(r.json());
        String document = String.format(Locale.ROOT, "{\"settings\":{\"target\":\"zookeeper\",\"server\":\"%s\",\"ops\":%d,"
                + "\"concurrency\":%d,\"size\":%d,\"clients\":1,\"warmup\":%d,\"tls\":%b,\"socket\":\"%s\"},\"phases\":%s}%n",
                server, ops, concurrency, size, warmup, tls, socket, j);
        if (!opt.get("--json-out").isEmpty()) java.nio.file.Files.writeString(java.nio.file.Path.of(opt.get("--json-out")), document);
        if (json) {
            System.out.print(document);
        } else {
            System.out.println(describe);
            System.out.println(HEADER);
            for (Result r : results) System.out.println(r.line());
        }
        System.exit(results.stream().anyMatch(r -> r.errors() > 0) ? 1 : 0);
    }

    static Op op(String phase, byte[] data) {
        List<ACL> acl = ZooDefs.Ids.OPEN_ACL_UNSAFE;
        return switch (phase) {
            case "create" -> (zk, p, ok, err) -> zk.create(p, data, acl, CreateMode.PERSISTENT,
                    (rc, path, ctx, name) -> { if (rc == 0) ok.run(); else err.accept(rc); }, null);
            case "set" -> (zk, p, ok, err) -> zk.setData(p, data, -1, (rc, path, ctx, stat) -> { if (rc == 0) ok.run(); else err.accept(rc); }, null);
            case "get" -> (zk, p, ok, err) -> zk.getData(p, false, (rc, path, ctx, d, stat) -> { if (rc == 0) ok.run(); else err.accept(rc); }, null);
            case "exists" -> (zk, p, ok, err) -> zk.exists(p, false, (rc, path, ctx, stat) -> {
                    if (rc == 0 && stat != null) ok.run(); else err.accept(rc == 0 ? KeeperException.Code.NONODE.intValue() : rc); }, null);
            case "delete" -> (zk, p, ok, err) -> zk.delete(p, -1, (rc, path, ctx) -> { if (rc == 0) ok.run(); else err.accept(rc); }, null);
            default -> throw new IllegalArgumentException(phase);
        };
    }

    static Result run(ZooKeeper zk, String phase, String prefix, int ops, int concurrency, int size) throws InterruptedException {
        byte[] data = new byte[size];
        new Random().nextBytes(data);
        Op op = op(phase, data);
        long[] micros = new long[ops];
        AtomicInteger done = new AtomicInteger(), errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        Semaphore outstanding = new Semaphore(concurrency);
        long startedAtMs = System.currentTimeMillis();
        long begin = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            if (!outstanding.tryAcquire(PHASE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) throw new IllegalStateException(phase + " stalled");
            final int index = i;
            final String path = String.format(Locale.ROOT, "%s%07d", prefix, i);
            final long start = System.nanoTime();
            op.issue(zk, path, () -> {
                micros[index] = Math.max(1, (System.nanoTime() - start) / 1000);
                done.incrementAndGet();
                outstanding.release();
            }, rc -> {
                micros[index] = -1;
                errors.incrementAndGet();
                firstError.compareAndSet(null, KeeperException.create(KeeperException.Code.get(rc), path).getMessage());
                outstanding.release();
            });
        }
        if (!outstanding.tryAcquire(concurrency, PHASE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) throw new IllegalStateException(phase + " did not finish");
        double seconds = (System.nanoTime() - begin) / 1e9;
        long endedAtMs = System.currentTimeMillis();
        long[] ok = Arrays.stream(micros).filter(m -> m > 0).sorted().toArray();
        return new Result(phase, ops, errors.get(), seconds, ok.length / seconds,
                pct(ok, 50), pct(ok, 99), ok.length == 0 ? 0 : ok[ok.length - 1] / 1000.0, firstError.get(),
                ok.length == 0 ? 0 : Arrays.stream(ok).average().orElse(0) / 1000.0, startedAtMs, endedAtMs);
    }

    /** The value at or below which `p` percent of the sorted samples lie (HdrHistogram's definition), in ms. */
    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1000.0;
    }

    static void cleanUp(ZooKeeper zk, String parent, int concurrency) {
        try {
            List<String> children = zk.getChildren(parent, false);
            Semaphore outstanding = new Semaphore(concurrency);
            for (String child : children) {
                outstanding.acquire();
                zk.delete(parent + "/" + child, -1, (rc, path, ctx) -> outstanding.release(), null);
            }
            outstanding.tryAcquire(concurrency, 120, TimeUnit.SECONDS);
            if (!children.isEmpty()) System.err.println("# cleaned up " + children.size() + " leftover znode(s)");
            zk.delete(parent, -1);
        } catch (Exception e) {
            System.err.println("# clean-up of " + parent + " failed: " + e);
        }
    }
}
