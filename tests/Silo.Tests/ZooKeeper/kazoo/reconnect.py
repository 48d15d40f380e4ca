"""A kazoo session that must survive the death of its silo: it reconnects to the other one with its id and
password, keeps its ephemeral, reads the change made while it was away, and its watches work on the new silo.
(kazoo 2.8 drops its watches when the connection is lost, with a NONE event, instead of sending setWatches.)
Usage: reconnect.py HOST:PORT,HOST:PORT ROOT. Talks over stdin/stdout with the test:
  prints "ready <port>"   -> the test kills that silo, changes ROOT's data elsewhere, writes a line
  prints "resumed <port>" and "ok" when the session, its ephemeral and the watch came through."""
import sys
import threading
import time

from kazoo.client import KazooClient
from kazoo.protocol.states import KazooState

hosts, root = sys.argv[1], sys.argv[2]
zk = KazooClient(hosts=hosts, timeout=15, randomize_hosts=False)
zk.start(timeout=60)
session = zk.client_id[0]
states = []
zk.add_listener(states.append)
zk.create(root + "/member", b"me", ephemeral=True, makepath=True)
print("ready %d" % zk._connection._socket.getpeername()[1], flush=True)

sys.stdin.readline()
deadline = time.time() + 90
while not (KazooState.SUSPENDED in states and zk.state == KazooState.CONNECTED):
    assert time.time() < deadline, "no reconnect: states %r, now %r" % (states, zk.state)
    time.sleep(0.2)
assert zk.client_id[0] == session, "a new session 0x%x instead of 0x%x" % (zk.client_id[0], session)
assert KazooState.LOST not in states, states
print("resumed %d" % zk._connection._socket.getpeername()[1], flush=True)

# ConnectionLoss is ZooKeeper's "try again": until the cluster has declared the dead silo dead, a grain that
# lived there does not answer. kazoo's retry is what kazoo users wrap calls in.
member = zk.retry(zk.exists, root + "/member")
assert member is not None and member.ephemeralOwner == session, member
data, _ = zk.retry(zk.get, root)
assert data == b"after", data

changed = threading.Event()
events = []
zk.retry(zk.get, root, watch=lambda event: (events.append(event), changed.set()))
other = KazooClient(hosts=hosts, timeout=15)
other.start(timeout=60)
# The watch streams of a dead silo's queues move to the survivor after a while (docs/adr/006: memory streams
# lose what is in flight when a silo dies), so the other client writes again until one change gets through.
for attempt in range(30):
    other.retry(other.set, root, b"again %d" % attempt)
    if changed.wait(3):
        break
assert changed.is_set(), "the data watch set after the reconnect did not fire"
assert events[0].type == "CHANGED" and events[0].path == root, events
other.stop()
other.close()
print("ok", flush=True)
zk.stop()
zk.close()
