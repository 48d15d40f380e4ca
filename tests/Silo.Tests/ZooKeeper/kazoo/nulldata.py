"""Null data as ZooKeeper keeps it, through kazoo: a znode created or set with None reads back as None (length -1 on
the wire, dataLength 0), one with b"" as b"" (kazoo's transactions refuse None; ZkMultiTests sends it in a multi).
Usage: nulldata.py HOST:PORT PATH. Prints "ok <step>" per step; exits non-zero on the first surprise."""
import sys

from kazoo.client import KazooClient

hosts, root = sys.argv[1], sys.argv[2]
zk = KazooClient(hosts=hosts, timeout=10)
zk.start(timeout=30)
try:
    zk.ensure_path(root)
    zk.create(root + "/created", None)
    value, stat = zk.get(root + "/created")
    assert value is None and stat.dataLength == 0, (value, stat)
    print("ok create", flush=True)

    zk.create(root + "/set", b"not none")
    zk.set(root + "/set", None)
    value, stat = zk.get(root + "/set")
    assert value is None and stat.dataLength == 0 and stat.version == 1, (value, stat)
    zk.set(root + "/set", b"back")
    assert zk.get(root + "/set")[0] == b"back"
    print("ok set", flush=True)

    zk.create(root + "/empty", b"")
    assert zk.get(root + "/empty")[0] == b""
    print("ok empty", flush=True)
finally:
    zk.stop()
    zk.close()
