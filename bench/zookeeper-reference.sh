#!/usr/bin/env bash
# ZooKeeper 3.8 reference for the OrleansCoord benchmark: starts a standalone ZooKeeper from Debian's
# `zookeeper` package in a temp dir on a free port, runs bench/zookeeper/ZkBench.java (same workload and
# table as `bench grid`) and stops the server again, whatever happens.
#   bench/zookeeper-reference.sh [--ops 20000] [--concurrency 200] [--size 1024] [--phases ...] [--json]
#   bench/zookeeper-reference.sh watch [--watchers 1,1000] [--sessions 10] [--sets 1000] [--warmup 100]
#     (the watch workload of `bench watch`: bench/zookeeper/ZkWatchBench.java)
#   bench/zookeeper-reference.sh recipes [--ops 5000] [--concurrency 8] [--size 64] [--warmup 200] [--phases ...] [--json-out F]
#     (the phases of `bench recipes` with kazoo's Lock, LockingQueue, Counter: bench/zookeeper/kazoo_recipes.py)
#   --tls (with ZkBench or watch, anywhere among the options): ZooKeeper also serves its secureClientPort
#     (NettyServerCnxnFactory, ssl.keyStore/ssl.trustStore with a throw-away CA, server and client certificate made at run
#     time in the temp dir, ssl.clientAuth=need, ZooKeeper's default) and the Java client connects there with
#     zookeeper.client.secure=true and ClientCnxnSocketNetty: the same client-side TLS as `grid.sh --load zk --tls`.
#   --netty: the plain port, but with NettyServerCnxnFactory and the client's Netty socket, the ones TLS needs: plain
#     --netty against --tls is the A/B of TLS alone. The output's first line says which mode ran ("# mode: ...").
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
TLS=0; NETTY=0; ARGS=()
for arg in "$@"; do
  case "$arg" in
    --tls) TLS=1 ;;
    --netty) NETTY=1 ;;
    *) ARGS+=("$arg") ;;
  esac
done
set -- "${ARGS[@]}"
if (( TLS || NETTY )) && [[ "$MAIN_CLASS" == kazoo_recipes ]]; then echo "--tls and --netty are for the Java load generators, not recipes" >&2; exit 2; fi
MODE=plain; (( NETTY )) && MODE="plain, Netty server and client sockets"; (( TLS )) && MODE="TLS on secureClientPort, Netty server and client sockets, client certificate"
echo "# mode: $MODE" >&2
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
TARGET_PORT="$PORT"
mkdir -p "$WORK/classes"
ZK_CONFIG="forceSync=${ZK_FORCE_SYNC:-yes}"; CLIENT_FLAGS=()
if (( TLS || NETTY )); then ZK_CONFIG+=$'\nserverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory'; fi
if (( TLS )); then
  make_tls_material "$WORK/tls" || exit 3
  free_port TARGET_PORT
  ZK_CONFIG+="
secureClientPort=$TARGET_PORT
secureClientPortAddress=127.0.0.1
ssl.keyStore.location=$WORK/tls/server.p12
ssl.keyStore.password=$TLS_STORE_PASSWORD
ssl.trustStore.location=$WORK/tls/truststore.p12
ssl.trustStore.password=$TLS_STORE_PASSWORD"
  zk_client_tls_flags "$WORK/tls"; CLIENT_FLAGS=("${ZK_CLIENT_TLS_FLAGS[@]}")
elif (( NETTY )); then
  CLIENT_FLAGS=(-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty)
fi

[[ "$MAIN_CLASS" == kazoo_recipes ]] || \
  javac -nowarn -Xlint:-path -implicit:none -proc:none -d "$WORK/classes" -cp "$JARS/zookeeper.jar" "$HERE/zookeeper/$MAIN_CLASS.java"

echo "# starting ZooKeeper on 127.0.0.1:$PORT$( (( TLS )) && echo ", secure port $TARGET_PORT") (data in $WORK, forceSync=${ZK_FORCE_SYNC:-yes})" >&2
ZK_EXTRA_CONFIG="$ZK_CONFIG" start_zookeeper "$WORK" "$PORT" "$ZK_HEAP" ruok,srvr,mntr || exit $?

# Ready when it answers ruok and srvr reports a mode (it answers ruok before it serves requests).
for i in $(seq 1 120); do
  if [[ "$(four_letter "$PORT" ruok)" == "imok" ]] && four_letter "$PORT" srvr | grep -q "^Mode:"; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null || [[ $i -eq 120 ]]; then
    echo "ZooKeeper did not come up; its log:" >&2; tail -n 40 "$WORK/server.log" >&2; exit 4
  fi
  sleep 0.5
done
if (( TLS )) && ! wait_port "$TARGET_PORT" 30 "$SERVER_PID"; then
  echo "ZooKeeper's secure port $TARGET_PORT did not open; its log:" >&2; tail -n 40 "$WORK/server.log" >&2; exit 4
fi
{ four_letter "$PORT" srvr | grep -i -E "version|mode" | sed 's/^/# /' >&2; } || true

status=0
if [[ "$MAIN_CLASS" == kazoo_recipes ]]; then
  with_cpu_report "$SERVER_PID" timeout --kill-after=10 "$BENCH_TIMEOUT" /usr/bin/python3 "$HERE/zookeeper/kazoo_recipes.py" --server "127.0.0.1:$PORT" "$@" || status=$?
else
  with_cpu_report "$SERVER_PID" timeout --kill-after=10 "$BENCH_TIMEOUT" java -Xmx1g "${CLIENT_FLAGS[@]}" -cp "$(zk_client_classpath "$WORK/classes")" \
    "$MAIN_CLASS" --server "127.0.0.1:$TARGET_PORT" "$@" || status=$?
fi
if [[ $status -ne 0 ]]; then echo "# $MAIN_CLASS exited with $status; server log tail:" >&2; tail -n 20 "$WORK/server.log" >&2; fi
exit "$status"
