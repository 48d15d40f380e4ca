"""pytest plugin: runs kazoo's own test suite against a server that is already running.

kazoo's harness (kazoo/testing/harness.py) starts a ZooKeeper cluster of its own through
kazoo.testing.common.ZookeeperCluster. This plugin puts a stand-in for that module in place before the
tests import the harness: its "cluster" is the server(s) named by KAZOO_TEST_SERVERS (host:port,comma
separated), which nobody starts or stops here. Tests that stop, start or reconfigure servers, or need SASL,
TLS or quorum settings, cannot run against it: run-suite.sh deselects them (set-aside.txt).
Load with `-p zk_external` and this folder on PYTHONPATH. Works with kazoo 2.8 (Debian) and 2.11.
"""
import os
import sys
import types


class ExternalServer:
    def __init__(self, address):
        self.address = address
        self.secure_address = address
        self.running = True

    def run(self):
        raise RuntimeError("external server: this test starts servers (set it aside)")

    stop = run
    destroy = run


class ExternalCluster:
    """What the harness uses of ZookeeperCluster: iteration, indexing, start/terminate (no-ops), logs."""

    def __init__(self, **_):
        servers = os.environ.get("KAZOO_TEST_SERVERS")
        if not servers:
            raise RuntimeError("KAZOO_TEST_SERVERS (host:port[,host:port]) is not set")
        self._servers = [ExternalServer(s.strip()) for s in servers.split(",") if s.strip()]

    def __iter__(self):
        return iter(self._servers)

    def __getitem__(self, index):
        return self._servers[index]

    def __len__(self):
        return len(self._servers)

    def start(self):
        pass

    def stop(self):
        pass

    def terminate(self):
        pass

    def get_logs(self, *_):
        return []

    def get_ssl_client_configuration(self):
        raise RuntimeError("external server: no TLS configuration (set the test aside)")


stub = types.ModuleType("kazoo.testing.common")
stub.ZookeeperCluster = ExternalCluster
sys.modules["kazoo.testing.common"] = stub
# The harness asserts one of these is set and reads the version for its "3.5 or above" checks.
os.environ.setdefault("ZOOKEEPER_VERSION", "3.8.0")
