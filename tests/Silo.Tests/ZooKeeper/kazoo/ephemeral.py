"""Creates an ephemeral znode, says so, and waits to be killed: its session must end by expiry.
Usage: ephemeral.py HOST:PORT PATH. Prints "ready <session id in hex>" once the znode exists."""
import sys
import time

from kazoo.client import KazooClient

hosts, path = sys.argv[1], sys.argv[2]
zk = KazooClient(hosts=hosts, timeout=4)
zk.start(timeout=30)
zk.create(path, b"alive", ephemeral=True, makepath=True)
print("ready %x" % zk.client_id[0], flush=True)
time.sleep(600)
