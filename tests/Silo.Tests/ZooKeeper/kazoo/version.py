"""kazoo's server_version(), which asks the server's envi four-letter word.
Usage: version.py HOST:PORT PATH (PATH unused). Prints "ok version X.Y.Z"."""
import sys

from kazoo.client import KazooClient

zk = KazooClient(hosts=sys.argv[1], timeout=10)
zk.start(timeout=30)
try:
    print("ok version %s" % ".".join(str(d) for d in zk.server_version()), flush=True)
finally:
    zk.stop()
    zk.close()
