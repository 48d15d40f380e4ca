#!/usr/bin/python3
"""ZooKeeper reference for `bench recipes`: the same phases, done with kazoo's own recipes (Debian's python3-kazoo).

Phases and definitions as in bench/RecipeWorkloads.cs:
  lock-free     each worker its own kazoo Lock; an op is one acquire + release pair.
  lock-handoff  all workers on one kazoo Lock; ops/s is hand-offs/s; an op's latency is from the moment the previous
                holder starts its release to the moment this worker's acquire returns (no sample for the first grant).
  queue-put     LockingQueue.put of one message of --size bytes into one shared queue.
  queue-take    LockingQueue.get + consume (take + ack, like the grid's take + ack).
  counter-add   Counter += 1 on one shared counter (a versioned get + set, retried on BadVersion).

kazoo is one connection thread per client and Python runs one thread at a time, so each worker is its own process
with its own KazooClient (session): --concurrency 8 means 8 processes, 8 sessions.
Usage: kazoo_recipes.py --server 127.0.0.1:2181 [--ops 5000] [--concurrency 8] [--size 64] [--warmup 200]
                        [--phases lock-free,...] [--label TEXT] [--json-out FILE]
"""
import argparse
import json
import multiprocessing as mp
import os
import sys
import time
import uuid

from kazoo.client import KazooClient
from kazoo.recipe.counter import Counter
from kazoo.recipe.lock import Lock
from kazoo.recipe.queue import LockingQueue

ALL_PHASES = ["lock-free", "lock-handoff", "queue-put", "queue-take", "counter-add"]
WAIT_SECONDS = 120  # as the grid side: long enough that a loaded machine does not fail an op on it
HEADER = "phase               ops  errors   seconds      ops/s    p50 ms    p99 ms    max ms"


def connect(server):
    # kazoo's Counter retries a lost compare-and-set through the client's command retry; its default sleeps 0.1 s
    # and doubles, which would measure kazoo's back-off rather than ZooKeeper. Retry after ~1 ms, without back-off.
    client = KazooClient(hosts=server, timeout=30.0,
                         command_retry={"max_tries": -1, "delay": 0.001, "backoff": 1, "max_jitter": 0.5})
    client.start(timeout=30)
    return client


class Worker:
    """One process's recipe objects; kazoo's Lock and LockingQueue hold per-object state, so one of each per worker."""

    def __init__(self, client, root, worker, size):
        self.client, self.root, self.worker = client, root, worker
        self.message = os.urandom(size)
        self.objects = {}

    def _get(self, key, make):
        if key not in self.objects:
            self.objects[key] = make()
        return self.objects[key]

    def run_op(self, phase, tag, shared_release):
        """Runs one op; returns its latency in ns, or None when it has no sample."""
        base = f"{self.root}/{tag}"
        if phase == "lock-handoff":
            lock = self._get((phase, tag), lambda: Lock(self.client, f"{base}/handoff", f"w{self.worker}"))
            if not lock.acquire(timeout=WAIT_SECONDS):
                raise TimeoutError("lock not granted within the wait")
            granted = time.monotonic_ns()
            # Only the holder writes it, just before releasing, so the value read here is the previous holder's.
            with shared_release.get_lock():
                release_started = shared_release.value
                shared_release.value = time.monotonic_ns()
            lock.release()
            return None if release_started == 0 else granted - release_started
        start = time.monotonic_ns()
        if phase == "lock-free":
            lock = self._get((phase, tag), lambda: Lock(self.client, f"{base}/free-{self.worker}", f"w{self.worker}"))
            if not lock.acquire(timeout=WAIT_SECONDS):
                raise TimeoutError("lock not granted within the wait")
            lock.release()
        elif phase == "queue-put":
            self._get(("queue", tag), lambda: LockingQueue(self.client, f"{base}/queue")).put(self.message)
        elif phase == "queue-take":
            queue = self._get(("queue", tag), lambda: LockingQueue(self.client, f"{base}/queue"))
            if queue.get(timeout=WAIT_SECONDS) is None:
                raise TimeoutError("no message within the wait")
            if not queue.consume():
                raise RuntimeError("consume failed: the entry's lock was lost")
        elif phase == "counter-add":
            counter = self._get((phase, tag), lambda: Counter(self.client, f"{base}/counter"))
            counter += 1
        else:
            raise ValueError(f"unknown phase {phase}")
        return time.monotonic_ns() - start


def worker_main(worker, args, root, plan, barrier, next_index, shared_release, results):
    client = connect(args.server)
    try:
        state = Worker(client, root, worker, args.size)
        for phase, ops, tag in plan:
            barrier.wait()
            done = errors = 0
            samples, first_error = [], None
            while True:
                with next_index.get_lock():
                    index = next_index.value
                    next_index.value += 1
                if index >= ops:
                    break
                try:
                    sample = state.run_op(phase, tag, shared_release)
                    done += 1
                    if sample is not None:
                        samples.append(sample)
                except Exception as error:  # counted and reported like the grid's errors, never hidden
                    errors += 1
                    first_error = first_error or f"{type(error).__name__}: {error}"
            results.put((done, errors, samples, first_error))
            barrier.wait()
    finally:
        client.stop()
        client.close()


def percentile_ms(sorted_ns, p):
    if not sorted_ns:
        return 0.0
    rank = max(0, min(len(sorted_ns) - 1, int(round(p / 100 * len(sorted_ns) + 0.5)) - 1))
    return sorted_ns[rank] / 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="127.0.0.1:2181")
    parser.add_argument("--ops", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--phases", default=",".join(ALL_PHASES))
    parser.add_argument("--label")
    parser.add_argument("--json-out")
    args = parser.parse_args()
    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    if not phases or any(p not in ALL_PHASES for p in phases):
        print(f"unknown phase(s) in {args.phases}; use {','.join(ALL_PHASES)}", file=sys.stderr)
        return 2
    if "queue-take" in phases and ("queue-put" not in phases or phases.index("queue-put") > phases.index("queue-take")):
        print("queue-take takes what queue-put put: list queue-put before it", file=sys.stderr)
        return 2
    if args.ops < 1 or args.concurrency < 1 or args.size < 0 or args.warmup < 0:
        print("--ops and --concurrency must be positive; --size and --warmup not negative", file=sys.stderr)
        return 2

    root = f"/bench-recipes-{uuid.uuid4().hex[:8]}"
    plan = ([(p, args.warmup, "warmup") for p in phases] if args.warmup > 0 else []) + [(p, args.ops, "run") for p in phases]
    describe = (f"# target=zookeeper-kazoo{' ' + args.label if args.label else ''} server={args.server} ops={args.ops} "
                f"concurrency={args.concurrency} size={args.size} clients={args.concurrency} warmup={args.warmup}")
    print(describe, file=sys.stderr)

    context = mp.get_context("fork")
    barrier = context.Barrier(args.concurrency + 1)
    next_index = context.Value("q", 0)
    shared_release = context.Value("q", 0)
    results = context.Queue()
    workers = [context.Process(target=worker_main, args=(w, args, root, plan, barrier, next_index, shared_release, results))
               for w in range(args.concurrency)]
    for process in workers:
        process.start()

    reported = []
    for phase, ops, tag in plan:
        next_index.value = 0
        shared_release.value = 0
        barrier.wait(timeout=120)  # all workers connected and ready
        start = time.monotonic()
        barrier.wait()
        seconds = time.monotonic() - start
        parts = [results.get(timeout=60) for _ in workers]
        samples = sorted(s for part in parts for s in part[2])
        done, errors = sum(p[0] for p in parts), sum(p[1] for p in parts)
        first_error = next((p[3] for p in parts if p[3]), None)
        result = {"phase": phase, "ops": ops, "errors": errors, "seconds": seconds,
                  "opsPerSecond": done / seconds if seconds > 0 else 0.0,
                  "p50Ms": percentile_ms(samples, 50), "p99Ms": percentile_ms(samples, 99),
                  "maxMs": samples[-1] / 1e6 if samples else 0.0, "firstError": first_error}
        if tag == "run":
            reported.append(result)
            print(line(result) + (f"  first error: {first_error}" if first_error else ""), file=sys.stderr)

    for process in workers:
        process.join(timeout=60)

    if args.json_out:
        settings = {"target": "zookeeper-kazoo", "server": args.server, "ops": args.ops, "concurrency": args.concurrency,
                    "size": args.size, "clients": args.concurrency, "warmup": args.warmup, "phases": phases,
                    "label": args.label}
        with open(args.json_out, "w") as out:
            json.dump({"settings": settings, "phases": reported}, out, indent=2)
    print(describe)
    print(HEADER)
    for result in reported:
        print(line(result))
    return 1 if any(r["errors"] for r in reported) else 0


def line(r):
    return (f"{r['phase']:<14} {r['ops']:>8} {r['errors']:>7} {r['seconds']:>9.3f} {r['opsPerSecond']:>10.1f} "
            f"{r['p50Ms']:>9.3f} {r['p99Ms']:>9.3f} {r['maxMs']:>9.3f}")


if __name__ == "__main__":
    sys.exit(main())
