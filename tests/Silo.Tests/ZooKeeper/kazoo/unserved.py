"""A kazoo session whose server cannot serve a read for a while (its storage is down): the read fails with
ConnectionLoss, which kazoo's retry covers (not SystemZookeeperError), and the session outlives the outage.
Usage: unserved.py HOST:PORT PATH. Talks over stdin/stdout with the test:
  prints "ready"                      -> the test stops storage, writes a line
  prints what the read raised         -> the test starts storage again, writes a line
  prints "ok" when a retried read is served on the same session."""
import sys

from kazoo.client import KazooClient
from kazoo.exceptions import ConnectionLoss
from kazoo.protocol.states import KazooState
from kazoo.retry import KazooRetry

hosts, path = sys.argv[1], sys.argv[2]
# 60 s (the grid's most): kazoo itself drops a connection that is silent for 2/3 of it, later than the server
# closes one that cannot serve, so what the read raises is the server's doing.
zk = KazooClient(hosts=hosts, timeout=60, connection_retry=dict(max_tries=-1, delay=0.2, max_delay=1))
zk.start(timeout=60)
session = zk.client_id[0]
states = []
zk.add_listener(states.append)
print("ready", flush=True)

sys.stdin.readline()
try:
    zk.exists(path)
    print("answered", flush=True)
except ConnectionLoss:
    print("ConnectionLoss", flush=True)
except Exception as error:  # noqa: BLE001 - the test reports which one
    print("raised %s" % type(error).__name__, flush=True)

sys.stdin.readline()
stat = KazooRetry(max_tries=-1, delay=0.2, max_delay=1, deadline=90)(zk.exists, path)
assert stat is None, stat
assert zk.client_id[0] == session, "a new session 0x%x instead of 0x%x" % (zk.client_id[0], session)
assert KazooState.LOST not in states, states
print("ok", flush=True)
zk.stop()
zk.close()
