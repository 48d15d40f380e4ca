"""kazoo's own recipes (Lock, Election, Queue, Barrier) against the grid's ZooKeeper port.
Usage: recipes.py HOST:PORT ROOT. Prints "ok <recipe>" per recipe; any failure raises (exit code 1)."""
import sys
import threading
import time

from kazoo.client import KazooClient

hosts, root = sys.argv[1], sys.argv[2]


def client():
    c = KazooClient(hosts=hosts, timeout=10)
    c.start(timeout=30)
    return c


def settle():
    # Long enough for a wrongly granted lock or leadership to show; not a timing assertion on the grid.
    time.sleep(1.0)


a, b = client(), client()

# Lock: b waits while a holds it, and gets it when a releases.
lock_a, lock_b = a.Lock(root + "/lock", "a"), b.Lock(root + "/lock", "b")
assert lock_a.acquire(timeout=30)
b_has_it = threading.Event()
taker = threading.Thread(target=lambda: lock_b.acquire(timeout=60) and b_has_it.set())
taker.start()
settle()
assert not b_has_it.is_set(), "b got the lock while a held it"
assert lock_a.contenders() == ["a", "b"], lock_a.contenders()
lock_a.release()
assert b_has_it.wait(30), "b never got the released lock"
lock_b.release()
taker.join(30)
print("ok lock", flush=True)

# Election: a leads until its function returns, then b leads.
a_leads, a_may_go, b_leads = threading.Event(), threading.Event(), threading.Event()
election_a, election_b = a.Election(root + "/election", "a"), b.Election(root + "/election", "b")
runner_a = threading.Thread(target=lambda: election_a.run(lambda: (a_leads.set(), a_may_go.wait(60))))
runner_a.start()
assert a_leads.wait(30), "a never became leader"
runner_b = threading.Thread(target=lambda: election_b.run(b_leads.set))
runner_b.start()
settle()
assert not b_leads.is_set(), "b led while a did"
assert election_b.contenders() == ["a", "b"], election_b.contenders()
a_may_go.set()
assert b_leads.wait(30), "b never took over"
runner_a.join(30)
runner_b.join(30)
print("ok election", flush=True)

# Queue: first in, first out, across clients.
queue_a, queue_b = a.Queue(root + "/queue"), b.Queue(root + "/queue")
for item in (b"one", b"two", b"three"):
    queue_a.put(item)
assert len(queue_b) == 3
assert [queue_b.get(), queue_b.get(), queue_b.get()] == [b"one", b"two", b"three"]
assert queue_b.get() is None
print("ok queue", flush=True)

# Barrier: a waiter blocks while the barrier stands and goes on when it is removed.
barrier_a, barrier_b = a.Barrier(root + "/barrier"), b.Barrier(root + "/barrier")
barrier_a.create()
passed = threading.Event()
waiter = threading.Thread(target=lambda: barrier_b.wait(60) and passed.set())
waiter.start()
settle()
assert not passed.is_set(), "passed a standing barrier"
barrier_a.remove()
assert passed.wait(30), "the waiter never passed the removed barrier"
waiter.join(30)
print("ok barrier", flush=True)

a.stop()
b.stop()
a.close()
b.close()
