"""kazoo's LockingQueue with eight consumers at once against the grid's ZooKeeper port: every item is taken and
consumed exactly once, and no call fails. consume() is a multi of two deletes (the entry and its lock node) that races
the other consumers' creates and deletes under the same two parents, which once made the grid answer SystemError.
Usage: contended_queue.py HOST:PORT ROOT. Prints "ok consume"; any failure exits 1 with the errors."""
import multiprocessing as mp
import sys

from kazoo.client import KazooClient
from kazoo.recipe.queue import LockingQueue

hosts, root = sys.argv[1], sys.argv[2]
ITEMS, CONSUMERS = 800, 8


def client():
    c = KazooClient(hosts=hosts, timeout=15)
    c.start(timeout=30)
    return c


def consume(worker, results):
    c = client()
    queue = LockingQueue(c, root + "/queue")
    taken, errors = [], []
    while len(taken) + len(errors) < ITEMS // CONSUMERS:
        try:
            item = queue.get(timeout=30)
            if item is None:
                errors.append("get timed out")
                continue
            if not queue.consume():
                errors.append("consume refused")
                continue
            taken.append(item.decode())
        except Exception as error:  # every failure is reported, none hidden
            errors.append(f"{type(error).__name__}: {error}")
            queue.processing_element = None
    c.stop()
    results.put((taken, errors))


if __name__ == "__main__":
    producer = client()
    queue = LockingQueue(producer, root + "/queue")
    for i in range(ITEMS):
        queue.put(f"item-{i}".encode())
    context = mp.get_context("fork")
    results = context.Queue()
    workers = [context.Process(target=consume, args=(w, results)) for w in range(CONSUMERS)]
    for w in workers:
        w.start()
    parts = [results.get(timeout=240) for _ in workers]
    for w in workers:
        w.join()
    taken = [t for part in parts for t in part[0]]
    errors = [e for part in parts for e in part[1]]
    if errors:
        print(f"{len(errors)} errors, first: {errors[:3]}")
        sys.exit(1)
    assert sorted(taken) == sorted(f"item-{i}" for i in range(ITEMS)), f"taken {len(taken)}, distinct {len(set(taken))}"
    assert len(queue) == 0, f"{len(queue)} left"
    print("ok consume")
