#!/usr/bin/env bash
# ZooKeeper 3.8 reference for the OrleansCoord benchmark: starts a standalone ZooKeeper from Debian's
# `zookeeper` package in a temp dir on a free port, runs bench/zookeeper/ZkBench.java (same workload and
# table as `bench grid`) and stops the server again, whatever happens.
#   bench/zookeeper-reference.sh [--ops 20000] [--concurrency 200] [--size 1024] [--phases ...] [--json]
#   bench/zookeeper-reference.sh watch [--watchers 1,1000] [--sessions 10] [--sets 1000] [--warmup 100]
#     (the watch workload of `bench watch`: bench/zookeeper/ZkWatchBench.java)
#   bench/zookeeper-reference.sh recipes [--ops 5000] [--concurrency 8] [--size 64] [--warmup 200] [--phases ...] [--json-out F]
#     (the phases of `bench recipes` with kazoo's Lock, LockingQueue, Counter: bench/zookeeper/kazoo_recipes.py)
# Env: ZK_FORCE_SYNC=yes|no (fsync the txn log, default yes), ZK_HEAP (default 1g),
#      BENCH_TIMEOUT seconds for the load run (default 1800), TMPDIR for the data dir.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MAIN_CLASS=ZkBench
if [[ "${1:-}" == watch ]]; then MAIN_CLASS=ZkWatchBench; shift; fi
# `recipes`: kazoo's own recipes (Debian's python3-kazoo) instead of a Java class; see kazoo_recipes.py for why.
if [[ "${1:-}" == recipes ]]; then MAIN_CLASS=kazoo_recipes; shift; fi
# shellcheck source=bench/lib.sh
source "$HERE/lib.sh"
JARS=/usr/share/java
ZK_HEAP="${ZK_HEAP:-1g}"
BENCH_TIMEOUT="${BENCH_TIMEOUT:-1800}"

if [[ ! -f "$JARS/zookeeper.jar" ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "# installing Debian's zookeeper package" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zookeeper >&2
  else
    echo "zookeeper.jar not found: run 'apt-get install -y zookeeper' as root" >&2; exit 3
  fi
fi
command -v javac >/dev/null || { echo "javac not found (install a JDK, e.g. default-jdk-headless)" >&2; exit 3; }
# Debian's python3 (kazoo is a Debian package), not whatever python3 comes first on PATH.
if [[ "$MAIN_CLASS" == kazoo_recipes ]] && ! /usr/bin/python3 -c 'import kazoo' 2>/dev/null; then
  echo "kazoo not found for /usr/bin/python3: run 'apt-get install -y python3-kazoo' as root" >&2; exit 3
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/zkbench.XXXXXX")"
SERVER_PID=""
cleanup() { stop_group "$SERVER_PID"; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM


echo "# host: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%FT%TZ)" >&2
free_port PORT
mkdir -p "$WORK/classes"

[[ "$MAIN_CLASS" == kazoo_recipes ]] || \
  javac -nowarn -Xlint:-path -implicit:none -proc:none -d "$WORK/classes" -cp "$JARS/zookeeper.jar" "$HERE/zookeeper/$MAIN_CLASS.java"

echo "# starting ZooKeeper on 127.0.0.1:$PORT (data in $WORK, forceSync=${ZK_FORCE_SYNC:-yes})" >&2
ZK_EXTRA_CONFIG="forceSync=${ZK_FORCE_SYNC:-yes}" start_zookeeper "$WORK" "$PORT" "$ZK_HEAP" ruok,srvr,mntr || exit $?

# Ready when it answers ruok and srvr reports a mode (it answers ruok before it serves requests).
for i in $(seq 1 120); do
  if [[ "$(four_letter "$PORT" ruok)" == "imok" ]] && four_letter "$PORT" srvr | grep -q "^Mode:"; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null || [[ $i -eq 120 ]]; then
    echo "ZooKeeper did not come up; its log:" >&2; tail -n 40 "$WORK/server.log" >&2; exit 4
  fi
  sleep 0.5
done
{ four_letter "$PORT" srvr | grep -i -E "version|mode" | sed 's/^/# /' >&2; } || true

status=0
if [[ "$MAIN_CLASS" == kazoo_recipes ]]; then
  with_cpu_report "$SERVER_PID" timeout --kill-after=10 "$BENCH_TIMEOUT" /usr/bin/python3 "$HERE/zookeeper/kazoo_recipes.py" --server "127.0.0.1:$PORT" "$@" || status=$?
else
  with_cpu_report "$SERVER_PID" timeout --kill-after=10 "$BENCH_TIMEOUT" java -Xmx1g -cp "$WORK/classes:$JARS/zookeeper.jar:$JARS/slf4j-nop.jar" \
    "$MAIN_CLASS" --server "127.0.0.1:$PORT" "$@" || status=$?
fi
if [[ $status -ne 0 ]]; then echo "# $MAIN_CLASS exited with $status; server log tail:" >&2; tail -n 20 "$WORK/server.log" >&2; fi
exit "$status"
