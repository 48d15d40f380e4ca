"""kazoo's ACL API against the grid: a client with auth_data owns a znode made with make_digest_acl, one without
auth_data is refused (NoAuthError), then may read once the owner opens the ACL up.
Usage: acl.py HOST:PORT PATH. Prints "ok <step>" per step; exits non-zero on the first surprise."""
import sys

from kazoo.client import KazooClient
from kazoo.exceptions import NoAuthError
from kazoo.security import make_digest_acl, OPEN_ACL_UNSAFE, ACL, Id, Permissions

hosts, path = sys.argv[1], sys.argv[2]
owner = KazooClient(hosts=hosts, timeout=10, auth_data=[("digest", "kazoo:s3cret")])
stranger = KazooClient(hosts=hosts, timeout=10)
owner.start(timeout=30)
stranger.start(timeout=30)

acl = make_digest_acl("kazoo", "s3cret", all=True)
owner.create(path, b"owned", acl=[acl], makepath=True)
got, stat = owner.get_acls(path)
assert got == [acl], got
assert stat.aversion == 0, stat
print("ok create", flush=True)

for attempt in (lambda: stranger.get(path), lambda: stranger.set(path, b"x"), lambda: stranger.create(path + "/c"),
                lambda: stranger.get_children(path), lambda: stranger.set_acls(path, OPEN_ACL_UNSAFE)):
    try:
        attempt()
    except NoAuthError:
        continue
    raise AssertionError("a client without auth_data was not refused")
assert stranger.exists(path) is not None
print("ok refused", flush=True)

read_anyone = ACL(Permissions.READ, Id("world", "anyone"))
stat = owner.set_acls(path, [acl, read_anyone], version=0)
assert stat.aversion == 1, stat
data, _ = stranger.get(path)
assert data == b"owned", data
hidden, _ = stranger.get_acls(path)
assert hidden[0].id.id == "kazoo:x", hidden
print("ok opened", flush=True)

owner.stop()
stranger.stop()
