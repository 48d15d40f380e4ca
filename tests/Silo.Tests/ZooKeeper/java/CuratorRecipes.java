import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.barriers.DistributedBarrier;
import org.apache.curator.framework.recipes.barriers.DistributedDoubleBarrier;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.NodeCache;
import org.apache.curator.framework.recipes.cache.PathChildrenCache;
import org.apache.curator.framework.recipes.cache.PathChildrenCacheEvent;
import org.apache.curator.framework.recipes.cache.TreeCache;
import org.apache.curator.framework.recipes.cache.TreeCacheEvent;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderSelector;
import org.apache.curator.framework.recipes.leader.LeaderSelectorListenerAdapter;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.locks.Lease;
import org.apache.curator.framework.recipes.nodes.GroupMember;
import org.apache.curator.framework.recipes.queue.DistributedQueue;
import org.apache.curator.framework.recipes.queue.QueueBuilder;
import org.apache.curator.framework.recipes.queue.QueueConsumer;
import org.apache.curator.framework.recipes.queue.QueueSerializer;
import org.apache.curator.framework.recipes.shared.SharedCount;
import org.apache.curator.framework.recipes.shared.SharedCountListener;
import org.apache.curator.framework.recipes.shared.SharedCountReader;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;

/**
 * Curator 5.4's recipes as users run them, two clients (a, b) under ROOT, against HOSTS (a silo's ZooKeeper port or
 * ZooKeeper itself, possibly through a relay). Prints one line per check, "ok NAME" or "fail NAME: why", each
 * asserting the recipe's observable result. Then it takes hold of a lock, a leadership, a group membership, a service
 * registration and three caches, prints "cut-now" and waits for a line "cut" on stdin (the test has dropped every
 * connection); after both clients are RECONNECTED it checks that the sessions and what they held survived and that
 * the caches follow changes made after the reconnect ("ok reconnect-*"). Ends with "done FAILED-COUNT".
 *   java CuratorRecipes HOSTS ROOT
 */
public final class CuratorRecipes {
    private static final int WAIT = 30;
    private static int failed;

    interface Check { void run() throws Exception; }

    static void check(String name, Check body) {
        try {
            body.run();
            System.out.println("ok " + name);
        } catch (Throwable e) {
            failed++;
            System.out.println("fail " + name + ": " + e);
            e.printStackTrace();
        }
        System.out.flush();
    }

    static void require(boolean condition, String what) {
        if (!condition) throw new IllegalStateException(what);
    }

    static <T> T poll(BlockingQueue<T> queue, String what) throws InterruptedException {
        T value = queue.poll(WAIT, TimeUnit.SECONDS);
        if (value == null) throw new IllegalStateException("nothing within " + WAIT + " s: " + what);
        return value;
    }

    /** Polls a condition every 100 ms for at most WAIT seconds. */
    static void eventually(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < WAIT * 10; i++) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(100);
        }
        throw new IllegalStateException("not within " + WAIT + " s: " + what);
    }

    static CuratorFramework connect(String hosts, BlockingQueue<ConnectionState> states) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.newClient(hosts, 15000, 5000, new ExponentialBackoffRetry(200, 10));
        client.getConnectionStateListenable().addListener((c, state) -> states.add(state));
        client.start();
        if (!client.blockUntilConnected(60, TimeUnit.SECONDS)) throw new IllegalStateException("not connected to " + hosts);
        return client;
    }

    static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    static String text(byte[] b) { return b == null ? null : new String(b, StandardCharsets.UTF_8); }

    public static void main(String[] args) throws Exception {
        String hosts = args[0];
        String root = args[1];
        BlockingQueue<ConnectionState> statesA = new LinkedBlockingQueue<>();
        BlockingQueue<ConnectionState> statesB = new LinkedBlockingQueue<>();
        CuratorFramework a = connect(hosts, statesA);
        CuratorFramework b = connect(hosts, statesB);
        ExecutorService pool = Executors.newCachedThreadPool(r -> { Thread t = new Thread(r); t.setDaemon(true); return t; });

        check("mutex", () -> {
            InterProcessMutex lockA = new InterProcessMutex(a, root + "/mutex");
            InterProcessMutex lockB = new InterProcessMutex(b, root + "/mutex");
            require(lockA.acquire(WAIT, TimeUnit.SECONDS), "a did not get the free lock");
            require(lockA.acquire(WAIT, TimeUnit.SECONDS), "a could not re-enter its lock");
            require(!lockB.acquire(1, TimeUnit.SECONDS), "b got the lock a holds");
            // A lock belongs to the thread that acquired it: the waiter acquires, looks and releases on its own thread.
            Future<String> waiter = pool.submit(() -> {
                if (!lockB.acquire(WAIT, TimeUnit.SECONDS)) return "b did not get the lock a released";
                int participants = lockB.getParticipantNodes().size();
                lockB.release();
                return participants == 1 ? "" : "participants after hand-over: " + participants;
            });
            lockA.release();
            Thread.sleep(300);
            require(!waiter.isDone(), "b got the lock while a still held it once");
            lockA.release();
            String outcome = waiter.get(WAIT + 5, TimeUnit.SECONDS);
            require(outcome.isEmpty(), outcome);
            require(a.getChildren().forPath(root + "/mutex").isEmpty(), "lock nodes left behind");
        });

        check("semaphore", () -> {
            InterProcessSemaphoreV2 semA = new InterProcessSemaphoreV2(a, root + "/semaphore", 2);
            InterProcessSemaphoreV2 semB = new InterProcessSemaphoreV2(b, root + "/semaphore", 2);
            Collection<Lease> leases = semA.acquire(2, WAIT, TimeUnit.SECONDS);
            require(leases != null && leases.size() == 2, "a did not get 2 of 2 leases");
            require(semB.acquire(1, TimeUnit.SECONDS) == null, "b got a lease beyond the limit");
            Future<Lease> waiter = pool.submit(() -> semB.acquire(WAIT, TimeUnit.SECONDS));
            Lease first = leases.iterator().next();
            semA.returnLease(first);
            Lease granted = waiter.get(WAIT + 5, TimeUnit.SECONDS);
            require(granted != null, "b did not get the returned lease");
            require(semA.getParticipantNodes().size() == 2, "participants: " + semA.getParticipantNodes());
            semB.returnLease(granted);
            semA.returnAll(leases);
        });

        check("leader-latch", () -> {
            LeaderLatch latchA = new LeaderLatch(a, root + "/latch", "a");
            LeaderLatch latchB = new LeaderLatch(b, root + "/latch", "b");
            latchA.start();
            require(latchA.await(WAIT, TimeUnit.SECONDS), "a, alone, did not lead");
            latchB.start();
            eventually("b sees a as leader", () -> { try { return latchB.getLeader().getId().equals("a"); } catch (Exception e) { return false; } });
            require(!latchB.hasLeadership(), "two leaders");
            latchA.close();
            require(latchB.await(WAIT, TimeUnit.SECONDS), "b did not lead after a left");
            require(latchB.getParticipants().size() == 1, "participants: " + latchB.getParticipants());
            latchB.close();
        });

        check("leader-selector", () -> {
            AtomicInteger leaders = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            BlockingQueue<String> led = new LinkedBlockingQueue<>();
            List<LeaderSelector> selectors = new ArrayList<>();
            for (CuratorFramework client : new CuratorFramework[] { a, b }) {
                String id = client == a ? "a" : "b";
                LeaderSelector selector = new LeaderSelector(client, root + "/selector", new LeaderSelectorListenerAdapter() {
                    @Override public void takeLeadership(CuratorFramework c) throws Exception {
                        most.accumulateAndGet(leaders.incrementAndGet(), Math::max);
                        led.add(id);
                        Thread.sleep(300);
                        leaders.decrementAndGet();
                    }
                });
                selector.setId(id);
                selectors.add(selector);
            }
            for (LeaderSelector s : selectors) s.start();
            Set<String> seen = new TreeSet<>(List.of(poll(led, "a first leader"), poll(led, "a second leader")));
            require(seen.equals(Set.of("a", "b")), "leaders: " + seen);
            require(most.get() == 1, "leaders at once: " + most.get());
            for (LeaderSelector s : selectors) s.close();
        });

        check("barrier", () -> {
            DistributedBarrier barrierA = new DistributedBarrier(a, root + "/barrier");
            DistributedBarrier barrierB = new DistributedBarrier(b, root + "/barrier");
            barrierA.setBarrier();
            require(!barrierB.waitOnBarrier(300, TimeUnit.MILLISECONDS), "passed a set barrier");
            Future<Boolean> waiter = pool.submit(() -> barrierB.waitOnBarrier(WAIT, TimeUnit.SECONDS));
            barrierA.removeBarrier();
            require(waiter.get(WAIT + 5, TimeUnit.SECONDS), "the waiter did not pass the removed barrier");
        });

        check("double-barrier", () -> {
            DistributedDoubleBarrier barrierA = new DistributedDoubleBarrier(a, root + "/double", 2);
            DistributedDoubleBarrier barrierB = new DistributedDoubleBarrier(b, root + "/double", 2);
            // (An enter that times out leaves its node behind, as Curator's does: wait on a thread instead.)
            Future<Boolean> enterA = pool.submit(() -> barrierA.enter(WAIT, TimeUnit.SECONDS));
            Thread.sleep(300);
            require(!enterA.isDone(), "entered alone with 2 members needed");
            Future<Boolean> enterB = pool.submit(() -> barrierB.enter(WAIT, TimeUnit.SECONDS));
            require(enterA.get(WAIT + 5, TimeUnit.SECONDS) && enterB.get(WAIT + 5, TimeUnit.SECONDS), "both did not enter");
            Future<Boolean> leaveA = pool.submit(() -> barrierA.leave(WAIT, TimeUnit.SECONDS));
            Future<Boolean> leaveB = pool.submit(() -> barrierB.leave(WAIT, TimeUnit.SECONDS));
            require(leaveA.get(WAIT + 5, TimeUnit.SECONDS) && leaveB.get(WAIT + 5, TimeUnit.SECONDS), "both did not leave");
        });

        check("atomic-long", () -> {
            DistributedAtomicLong counterA = new DistributedAtomicLong(a, root + "/counter", new RetryNTimes(100, 10));
            DistributedAtomicLong counterB = new DistributedAtomicLong(b, root + "/counter", new RetryNTimes(100, 10));
            List<Future<Integer>> workers = new ArrayList<>();
            for (DistributedAtomicLong counter : new DistributedAtomicLong[] { counterA, counterB }) {
                workers.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 20; i++) if (counter.increment().succeeded()) ok++;
                    return ok;
                }));
            }
            int succeeded = 0;
            for (Future<Integer> w : workers) succeeded += w.get(120, TimeUnit.SECONDS);
            AtomicValue<Long> value = counterB.get();
            require(value.succeeded() && value.postValue() == succeeded, "value " + value.postValue() + " after " + succeeded + " increments");
            require(succeeded == 40, "increments that succeeded: " + succeeded);
            require(!counterA.compareAndSet(7L, 8L).succeeded(), "compareAndSet with a wrong expected value");
            require(counterA.compareAndSet(40L, 41L).succeeded() && counterB.get().postValue() == 41L, "compareAndSet 40 -> 41");
        });

        check("shared-count", () -> {
            SharedCount countA = new SharedCount(a, root + "/shared", 0);
            SharedCount countB = new SharedCount(b, root + "/shared", 0);
            BlockingQueue<Integer> seen = new LinkedBlockingQueue<>();
            countB.addListener(new SharedCountListener() {
                @Override public void countHasChanged(SharedCountReader reader, int newCount) { seen.add(newCount); }
                @Override public void stateChanged(CuratorFramework c, ConnectionState s) { }
            });
            countA.start();
            countB.start();
            var stale = countB.getVersionedValue();
            countA.setCount(7);
            require(poll(seen, "b's listener hears 7") == 7, "b's listener");
            require(!countB.trySetCount(stale, 9), "trySetCount with a stale version succeeded");
            eventually("b reads 7", () -> countB.getCount() == 7);
            require(countB.trySetCount(countB.getVersionedValue(), 9), "trySetCount with the current version");
            eventually("a reads 9", () -> countA.getCount() == 9);
            countA.close();
            countB.close();
        });

        check("queue", () -> {
            QueueSerializer<String> serializer = new QueueSerializer<>() {
                @Override public byte[] serialize(String item) { return bytes(item); }
                @Override public String deserialize(byte[] data) { return text(data); }
            };
            BlockingQueue<String> consumed = new LinkedBlockingQueue<>();
            QueueConsumer<String> consumer = new QueueConsumer<>() {
                @Override public void consumeMessage(String message) { consumed.add(message); }
                @Override public void stateChanged(CuratorFramework c, ConnectionState s) { }
            };
            DistributedQueue<String> producer = QueueBuilder.builder(a, null, serializer, root + "/queue").buildQueue();
            DistributedQueue<String> reader = QueueBuilder.builder(b, consumer, serializer, root + "/queue").buildQueue();
            producer.start();
            reader.start();
            for (int i = 0; i < 10; i++) producer.put("item-" + i);
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 10; i++) got.add(poll(consumed, "item " + i));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 10; i++) expected.add("item-" + i);
            require(got.equals(expected), "consumed " + got);
            eventually("queue emptied", () -> { try { return a.getChildren().forPath(root + "/queue").isEmpty(); } catch (Exception e) { return false; } });
            producer.close();
            reader.close();
        });

        check("group-member", () -> {
            GroupMember memberA = new GroupMember(a, root + "/group", "a", bytes("A"));
            GroupMember memberB = new GroupMember(b, root + "/group", "b", bytes("B"));
            memberA.start();
            memberB.start();
            eventually("a sees a and b", () -> memberA.getCurrentMembers().keySet().equals(Set.of("a", "b")));
            eventually("b sees a and b", () -> memberB.getCurrentMembers().keySet().equals(Set.of("a", "b")));
            require("B".equals(text(memberA.getCurrentMembers().get("b"))), "b's payload seen by a");
            memberB.close();
            eventually("a sees b leave", () -> memberA.getCurrentMembers().keySet().equals(Set.of("a")));
            memberA.close();
        });

        check("service-discovery", () -> {
            ServiceInstance<Void> instance = ServiceInstance.<Void>builder().name("web").id("web-1").address("127.0.0.1").port(8081).build();
            ServiceDiscovery<Void> registrar = ServiceDiscoveryBuilder.builder(Void.class).client(a).basePath(root + "/services").thisInstance(instance).build();
            ServiceDiscovery<Void> finder = ServiceDiscoveryBuilder.builder(Void.class).client(b).basePath(root + "/services").build();
            registrar.start();
            finder.start();
            Collection<ServiceInstance<Void>> found = finder.queryForInstances("web");
            require(found.size() == 1 && found.iterator().next().getPort() == 8081, "instances: " + found);
            require(finder.queryForNames().contains("web"), "names: " + finder.queryForNames());
            var cache = finder.serviceCacheBuilder().name("web").build();
            cache.start();
            eventually("the service cache sees web-1", () -> cache.getInstances().size() == 1);
            registrar.unregisterService(instance);
            eventually("the service cache sees web-1 go", () -> cache.getInstances().isEmpty());
            cache.close();
            finder.close();
            registrar.close();
        });

        check("node-cache", () -> {
            a.create().creatingParentsIfNeeded().forPath(root + "/node", bytes("v0"));
            NodeCache cache = new NodeCache(b, root + "/node");
            BlockingQueue<String> values = new LinkedBlockingQueue<>();
            cache.getListenable().addListener(() -> { ChildData d = cache.getCurrentData(); values.add(d == null ? "<gone>" : text(d.getData())); });
            cache.start(true);
            require("v0".equals(text(cache.getCurrentData().getData())), "initial data");
            a.setData().forPath(root + "/node", bytes("v1"));
            require("v1".equals(poll(values, "v1")), "after setData");
            a.delete().forPath(root + "/node");
            require("<gone>".equals(poll(values, "deletion")), "after delete");
            cache.close();
        });

        check("path-children-cache", () -> {
            a.create().creatingParentsIfNeeded().forPath(root + "/children/c0", bytes("0"));
            PathChildrenCache cache = new PathChildrenCache(b, root + "/children", true);
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            cache.getListenable().addListener((c, e) -> events.add(e.getType() + (e.getData() == null ? "" : " " + e.getData().getPath().substring(root.length()) + "=" + text(e.getData().getData()))));
            cache.start(PathChildrenCache.StartMode.POST_INITIALIZED_EVENT);
            require(poll(events, "c0 added").equals("CHILD_ADDED /children/c0=0"), "initial child");
            require(poll(events, "initialized").equals("INITIALIZED"), "initialized");
            a.create().forPath(root + "/children/c1", bytes("1"));
            require(poll(events, "c1 added").equals("CHILD_ADDED /children/c1=1"), "c1 added");
            a.setData().forPath(root + "/children/c1", bytes("1b"));
            require(poll(events, "c1 updated").equals("CHILD_UPDATED /children/c1=1b"), "c1 updated");
            a.delete().forPath(root + "/children/c0");
            require(poll(events, "c0 removed").startsWith("CHILD_REMOVED /children/c0"), "c0 removed");
            require(cache.getCurrentData().size() == 1, "cached children: " + cache.getCurrentData());
            cache.close();
        });

        check("tree-cache", () -> {
            a.create().creatingParentsIfNeeded().forPath(root + "/tree/x", bytes("x"));
            TreeCache cache = TreeCache.newBuilder(b, root + "/tree").build();
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            CountDownLatch initialized = new CountDownLatch(1);
            cache.getListenable().addListener((c, e) -> {
                if (e.getType() == TreeCacheEvent.Type.INITIALIZED) initialized.countDown();
                else if (e.getData() != null && initialized.getCount() == 0) events.add(e.getType() + " " + e.getData().getPath().substring(root.length()));
            });
            cache.start();
            require(initialized.await(WAIT, TimeUnit.SECONDS), "not initialized");
            require("x".equals(text(cache.getCurrentData(root + "/tree/x").getData())), "x cached");
            a.create().creatingParentsIfNeeded().forPath(root + "/tree/y/z", bytes("z"));
            Set<String> added = new TreeSet<>(List.of(poll(events, "y or z"), poll(events, "y or z")));
            require(added.equals(Set.of("NODE_ADDED /tree/y", "NODE_ADDED /tree/y/z")), "added " + added);
            a.setData().forPath(root + "/tree/x", bytes("x2"));
            require(poll(events, "x updated").equals("NODE_UPDATED /tree/x"), "x updated");
            require(cache.getCurrentChildren(root + "/tree").keySet().equals(Set.of("x", "y")), "children " + cache.getCurrentChildren(root + "/tree"));
            cache.close();
        });

        // What a client holds across a dropped connection: a lock, a leadership, a membership, a registration, caches.
        long sessionA = a.getZookeeperClient().getZooKeeper().getSessionId();
        long sessionB = b.getZookeeperClient().getZooKeeper().getSessionId();
        InterProcessMutex held = new InterProcessMutex(a, root + "/held");
        require(held.acquire(WAIT, TimeUnit.SECONDS), "lock before the cut");
        LeaderLatch latch = new LeaderLatch(a, root + "/held-latch", "a");
        latch.start();
        require(latch.await(WAIT, TimeUnit.SECONDS), "leadership before the cut");
        GroupMember memberA = new GroupMember(a, root + "/held-group", "a");
        GroupMember memberB = new GroupMember(b, root + "/held-group", "b");
        memberA.start();
        memberB.start();
        eventually("group before the cut", () -> memberB.getCurrentMembers().keySet().equals(Set.of("a", "b")));
        ServiceInstance<Void> instance = ServiceInstance.<Void>builder().name("api").id("api-1").address("127.0.0.1").port(9091).build();
        ServiceDiscovery<Void> registrar = ServiceDiscoveryBuilder.builder(Void.class).client(a).basePath(root + "/held-services").thisInstance(instance).build();
        registrar.start();
        a.create().creatingParentsIfNeeded().forPath(root + "/held-cache/n", bytes("0"));
        NodeCache nodeCache = new NodeCache(b, root + "/held-cache/n");
        BlockingQueue<String> nodeValues = new LinkedBlockingQueue<>();
        nodeCache.getListenable().addListener(() -> { ChildData d = nodeCache.getCurrentData(); if (d != null) nodeValues.add(text(d.getData())); });
        nodeCache.start(true);
        PathChildrenCache childrenCache = new PathChildrenCache(b, root + "/held-cache", true);
        BlockingQueue<String> childEvents = new LinkedBlockingQueue<>();
        childrenCache.getListenable().addListener((c, e) -> { if (e.getType() == PathChildrenCacheEvent.Type.CHILD_ADDED) childEvents.add(e.getData().getPath().substring(root.length())); });
        childrenCache.start(PathChildrenCache.StartMode.BUILD_INITIAL_CACHE);
        TreeCache treeCache = TreeCache.newBuilder(b, root + "/held-cache").build();
        BlockingQueue<String> treeEvents = new LinkedBlockingQueue<>();
        CountDownLatch treeReady = new CountDownLatch(1);
        treeCache.getListenable().addListener((c, e) -> {
            if (e.getType() == TreeCacheEvent.Type.INITIALIZED) treeReady.countDown();
            else if (e.getType() == TreeCacheEvent.Type.NODE_ADDED && treeReady.getCount() == 0) treeEvents.add(e.getData().getPath().substring(root.length()));
        });
        treeCache.start();
        require(treeReady.await(WAIT, TimeUnit.SECONDS), "tree cache before the cut");
        statesA.clear();
        statesB.clear();

        System.out.println("cut-now");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line = in.readLine();
        require("cut".equals(line), "expected 'cut' on stdin, got " + line);

        check("reconnect-sessions", () -> {
            for (BlockingQueue<ConnectionState> states : List.of(statesA, statesB)) {
                ConnectionState state;
                do { state = poll(states, "RECONNECTED"); } while (state != ConnectionState.RECONNECTED);
            }
            require(a.getZookeeperClient().getZooKeeper().getSessionId() == sessionA, "a's session changed");
            require(b.getZookeeperClient().getZooKeeper().getSessionId() == sessionB, "b's session changed");
        });
        check("reconnect-mutex", () -> {
            require(held.isAcquiredInThisProcess(), "a no longer holds the lock");
            require(!new InterProcessMutex(b, root + "/held").acquire(1, TimeUnit.SECONDS), "b got the lock a holds");
            held.release();
            InterProcessMutex lockB = new InterProcessMutex(b, root + "/held");
            require(lockB.acquire(WAIT, TimeUnit.SECONDS), "b did not get the released lock");
            lockB.release();
        });
        check("reconnect-leader-latch", () -> {
            // Curator's latch gives leadership up while SUSPENDED and takes it again once RECONNECTED.
            require(latch.await(WAIT, TimeUnit.SECONDS), "a did not lead again");
            require(latch.getParticipants().size() == 1, "participants: " + latch.getParticipants());
            latch.close();
        });
        check("reconnect-group-member", () -> {
            eventually("both still members", () -> memberA.getCurrentMembers().keySet().equals(Set.of("a", "b"))
                && memberB.getCurrentMembers().keySet().equals(Set.of("a", "b")));
            memberA.close();
            eventually("b sees a leave", () -> memberB.getCurrentMembers().keySet().equals(Set.of("b")));
            memberB.close();
        });
        check("reconnect-service-discovery", () -> {
            ServiceDiscovery<Void> finder = ServiceDiscoveryBuilder.builder(Void.class).client(b).basePath(root + "/held-services").build();
            finder.start();
            Collection<ServiceInstance<Void>> found = finder.queryForInstances("api");
            require(found.size() == 1 && found.iterator().next().getId().equals("api-1"), "instances: " + found);
            finder.close();
            registrar.close();
        });
        check("reconnect-caches", () -> {
            a.setData().forPath(root + "/held-cache/n", bytes("1"));
            String value;
            do { value = poll(nodeValues, "node cache sees 1"); } while (!"1".equals(value));
            a.create().forPath(root + "/held-cache/after", bytes("a"));
            String child;
            do { child = poll(childEvents, "children cache sees after"); } while (!child.equals("/held-cache/after"));
            String node;
            do { node = poll(treeEvents, "tree cache sees after"); } while (!node.equals("/held-cache/after"));
            nodeCache.close();
            childrenCache.close();
            treeCache.close();
        });

        pool.shutdownNow();
        b.close();
        a.close();
        System.out.println("done " + failed);
        System.out.flush();
        System.exit(0);
    }
}
