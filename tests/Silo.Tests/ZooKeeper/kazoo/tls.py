"""kazoo over TLS (use_ssl) against the grid's secure ZooKeeper port: alice's certificate owns a znode through an
x509 ACL, bob's is refused. Usage: tls.py HOST:PORT PATH CA_PEM ALICE_PEM BOB_PEM ALICE_ID (PEM files: certificate,
then key). Prints one line per step that behaved."""
import sys

from kazoo.client import KazooClient
from kazoo.exceptions import NoAuthError
from kazoo.security import make_acl

hosts, path, ca, alice_pem, bob_pem, alice_id = sys.argv[1:7]


def client(pem):
    # kazoo 2.8 loads a client certificate only when given both files; the PEM holds both.
    zk = KazooClient(hosts=hosts, use_ssl=True, verify_certs=True, ca=ca, certfile=pem, keyfile=pem, timeout=15)
    zk.start(timeout=60)
    return zk


alice = client(alice_pem)
alice.create(path, b"alice's", acl=[make_acl("x509", alice_id, all=True)])
if alice.get(path)[0] == b"alice's":
    print("created", flush=True)

bob = client(bob_pem)
try:
    bob.get(path)
except NoAuthError:
    print("refused", flush=True)

acl, _ = alice.get_acls(path)
if [(a.id.scheme, a.id.id, a.perms) for a in acl] == [("x509", alice_id, 31)]:
    print("acl", flush=True)
bob.stop()
alice.stop()
