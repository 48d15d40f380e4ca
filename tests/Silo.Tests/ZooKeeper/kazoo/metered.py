"""Known operations for the metrics tests: under ROOT, COUNT creates and COUNT reads, one read of a missing znode
(NoNode), a watch set and fired, a watch left in place, and an ephemeral. Prints "ready", waits for a line on stdin,
then closes its session and prints "closed".
Usage: metered.py HOST:PORT ROOT COUNT"""
import sys
import threading

from kazoo.client import KazooClient
from kazoo.exceptions import NoNodeError

hosts, root, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
zk = KazooClient(hosts=hosts, timeout=10)
zk.start(timeout=30)
zk.create(root, b"")
for i in range(count):
    zk.create("%s/n%d" % (root, i), b"x")
for i in range(count):
    zk.get("%s/n%d" % (root, i))
try:
    zk.get(root + "/missing")
    raise SystemExit("a read of a missing znode succeeded")
except NoNodeError:
    pass

fired = threading.Event()
zk.exists(root + "/fires", watch=lambda event: fired.set())
zk.create(root + "/fires", b"")
if not fired.wait(30):
    raise SystemExit("the watch did not fire")
zk.exists(root + "/stays", watch=lambda event: None)
zk.create(root + "/eph", b"", ephemeral=True)
print("ready", flush=True)
sys.stdin.readline()
zk.stop()
zk.close()
print("closed", flush=True)
