#!/usr/bin/env bash
# Grid figures in one command: for each storage profile, starts a silo on free ports (for AzureStorage with
# a private Azurite on free ports, fresh data), waits for /healthz, runs `bench grid` against its gateway
# and stops everything it started.
#   bench/grid.sh [COMMAND] [--storage Memory|AzureStorage|all] [--json-dir DIR] [--load sdk|zk [--tls|--netty]] [bench options: --ops 20000 --concurrency 200 --size 1024 ...]
# COMMAND is the `bench` subcommand to run (default grid), e.g. bench/grid.sh watch --storage Memory --watchers 1,1000,
# or bench/grid.sh recipes --storage all --ops 5000 --concurrency 8.
# --load zk drives the silo's ZooKeeper port with bench/zookeeper/ZkBench.java, the same load generator as
# zookeeper-reference.sh, instead of the SDK-based `bench grid` (needs java/javac and Debian's zookeeper jars);
# with the watch command it runs bench/zookeeper/ZkWatchBench.java, the watch workload over the ZooKeeper port;
# with the recipes command, kazoo's own recipes (bench/zookeeper/kazoo_recipes.py, Debian's python3-kazoo) over it.
# --tls (with --load zk, grid and watch): the silo also opens its ZooKeeper TLS port (--zk-secure-port, with a
# throw-away CA, server and client certificate made at run time in the temp dir, --require-client-certificate) and the
# Java client connects there with zookeeper.client.secure=true and ClientCnxnSocketNetty, mutual TLS, as
# `zookeeper-reference.sh --tls` does against ZooKeeper 3.8. --netty (with --load zk): the plain port, but with the
# client's Netty socket, the one TLS needs: plain --netty against --tls is the A/B of TLS alone. The first output
# line says which mode ran ("# mode: ..."; ZkBench's own line says tls= and socket=).
# Env: SILO_DLL (default: built from Silo/), SILO_ARGS (extra silo flags), AZURITE=private|shared (shared:
#      the silo's own default, the development connection string on 10000-10002), BENCH_TIMEOUT seconds per
#      run (default 1800), READY_TIMEOUT seconds to wait for /healthz (default 180), NO_BUILD=1 to skip the build.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$HERE/lib.sh"
BENCH_TIMEOUT="${BENCH_TIMEOUT:-1800}"
READY_TIMEOUT="${READY_TIMEOUT:-180}"
AZURITE="${AZURITE:-private}"
PROFILES=(Memory AzureStorage)
COMMAND=grid
if [[ -n "${1:-}" && "${1:-}" != -* ]]; then COMMAND="$1"; shift; fi
LOAD=sdk
TLS=0; NETTY=0
ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --storage) [[ "$2" == all ]] || PROFILES=("$2"); shift 2 ;;
    --json-dir) JSON_DIR="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --load) LOAD="$2"; shift 2 ;;
    --tls) TLS=1; shift ;;
    --netty) NETTY=1; shift ;;
    *) ARGS+=("$1"); shift ;;
  esac
done

if (( TLS || NETTY )) && [[ "$LOAD" != zk || "$COMMAND" == recipes ]]; then
  echo "--tls and --netty are for --load zk with the grid or watch command (the gateway's TLS: SILO_ARGS=--grid-tls and bench's --ca/--certificate/--key)" >&2; exit 2
fi
MODE=plain; (( NETTY )) && MODE="plain, Netty client socket"; (( TLS )) && MODE="TLS on the ZooKeeper secure port, Netty client socket, client certificate"
[[ "$LOAD" == zk ]] && echo "# mode: $MODE" >&2

cd "$ROOT"
if [[ "${NO_BUILD:-0}" != 1 ]]; then
  dotnet build bench/Bench.csproj -c Release -nologo -v q >&2
  [[ -n "${SILO_DLL:-}" ]] || dotnet build Silo -c Release -nologo -v q >&2
fi
SILO_DLL="${SILO_DLL:-$(dotnet msbuild Silo -getProperty:TargetPath -p:Configuration=Release | tail -n 1)}"
BENCH_DLL="$ROOT/bench/bin/Release/net10.0/bench.dll"
[[ -f "$SILO_DLL" && -f "$BENCH_DLL" ]] || { echo "missing $SILO_DLL or $BENCH_DLL" >&2; exit 3; }
# The repo the silo was built from (its Silo.Launchers/Azurite package, its .data): the nearest OrleansCoord.sln above it.
SILO_REPO="$(d="$(dirname "$SILO_DLL")"; while [[ "$d" != / && ! -f "$d/OrleansCoord.sln" ]]; do d="$(dirname "$d")"; done; echo "$d")"
[[ "$SILO_REPO" != / ]] || SILO_REPO="$ROOT"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/gridbench.XXXXXX")"
SILO_PID=""; AZURITE_PID=""
stop_all() { stop_group "$SILO_PID"; SILO_PID=""; stop_group "$AZURITE_PID"; AZURITE_PID=""; }
trap 'stop_all; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
ZK_CLASS=ZkBench
ZK_CLIENT_FLAGS=(); TLS_SILO_ARGS=(); JSON_SUFFIX=""
if (( TLS )); then
  make_tls_material "$WORK/tls" || exit 3
  zk_client_tls_flags "$WORK/tls"
  ZK_CLIENT_FLAGS=("${ZK_CLIENT_TLS_FLAGS[@]}"); JSON_SUFFIX="-tls"
elif (( NETTY )); then
  ZK_CLIENT_FLAGS=(-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty); JSON_SUFFIX="-netty"
fi
[[ "$COMMAND" != watch ]] || ZK_CLASS=ZkWatchBench
if [[ "$LOAD" == zk && "$COMMAND" != recipes ]]; then
  mkdir -p "$WORK/classes"
  javac -nowarn -Xlint:-path -implicit:none -proc:none -d "$WORK/classes" -cp /usr/share/java/zookeeper.jar "$HERE/zookeeper/$ZK_CLASS.java"
fi

status=0
for profile in "${PROFILES[@]}"; do
  echo "# host: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%FT%TZ)" >&2
  STORAGE_ARGS=()
  if [[ "$profile" == AzureStorage && "$AZURITE" == private ]]; then
    start_azurite "$SILO_REPO" "$WORK/azurite-$RANDOM" || { status=5; stop_all; continue; }
    STORAGE_ARGS=(--connection-string "$AZURITE_CONNECTION_STRING")
  fi
  free_port SILO_PORT; free_port GATEWAY_PORT; free_port HTTP_PORT; free_port ZK_PORT
  ZK_TARGET_PORT="$ZK_PORT"
  if (( TLS )); then
    free_port ZK_TARGET_PORT
    TLS_SILO_ARGS=(--zk-secure-port "$ZK_TARGET_PORT" --tls-certificate "$WORK/tls/server.pem" --tls-key "$WORK/tls/server.key"
      --tls-ca "$WORK/tls/ca.pem" --require-client-certificate)
  fi
  CLUSTER_ID="bench-$(date +%s)-$RANDOM"
  LOG="$WORK/silo-$profile.log"
  echo "# starting silo ($profile) silo-port=$SILO_PORT gateway-port=$GATEWAY_PORT http-port=$HTTP_PORT cluster-id=$CLUSTER_ID" >&2
  # shellcheck disable=SC2086
  (cd "$SILO_REPO" && exec setsid dotnet "$SILO_DLL" --storage "$profile" "${STORAGE_ARGS[@]}" --silo-port "$SILO_PORT" \
    --gateway-port "$GATEWAY_PORT" --http-port "$HTTP_PORT" --zk-port "$ZK_PORT" --proxy-port 0 --cluster-id "$CLUSTER_ID" "${TLS_SILO_ARGS[@]}" ${SILO_ARGS:-}) > "$LOG" 2>&1 &
  SILO_PID=$!

  started=$SECONDS
  until curl -fsS -m 2 "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1; do
    if ! kill -0 "$SILO_PID" 2>/dev/null || (( SECONDS - started >= READY_TIMEOUT )); then
      echo "# silo ($profile) not healthy within ${READY_TIMEOUT}s; log tail:" >&2; tail -n 40 "$LOG" >&2
      stop_all; status=4; continue 2
    fi
    sleep 0.5
  done
  echo "# silo ($profile) healthy after $((SECONDS - started)) s" >&2

  rc=0
  JSON_ARGS=()
  if [[ "$LOAD" == zk && "$COMMAND" == recipes ]]; then
    # kazoo's own recipes (Lock, LockingQueue, Counter) against the silo's ZooKeeper port: the wire lock recipe.
    [[ -z "${JSON_DIR:-}" ]] || JSON_ARGS=(--json-out "$JSON_DIR/recipes-zk-$profile.json")
    with_cpu_report "$SILO_PID" timeout --kill-after=10 "$BENCH_TIMEOUT" /usr/bin/python3 "$HERE/zookeeper/kazoo_recipes.py" \
      --server "127.0.0.1:$ZK_PORT" --label "grid-zk storage=$profile" "${JSON_ARGS[@]}" "${ARGS[@]}" || rc=$?
  elif [[ "$LOAD" == zk ]]; then
    [[ -z "${JSON_DIR:-}" || "$COMMAND" == watch ]] || JSON_ARGS=(--json-out "$JSON_DIR/grid-zk$JSON_SUFFIX-$profile.json")
    with_cpu_report "$SILO_PID" timeout --kill-after=10 "$BENCH_TIMEOUT" java -Xmx1g "${ZK_CLIENT_FLAGS[@]}" -cp "$(zk_client_classpath "$WORK/classes")" \
      "$ZK_CLASS" --server "127.0.0.1:$ZK_TARGET_PORT" "${JSON_ARGS[@]}" "${ARGS[@]}" || rc=$?
  else
    if [[ -n "${JSON_DIR:-}" && "$COMMAND" == grid ]]; then JSON_ARGS=(--json-out "$JSON_DIR/grid-$profile.json"); fi
    if [[ -n "${JSON_DIR:-}" && "$COMMAND" == recipes ]]; then JSON_ARGS=(--json-out "$JSON_DIR/recipes-$profile.json"); fi
    with_cpu_report "$SILO_PID" timeout --kill-after=10 "$BENCH_TIMEOUT" dotnet "$BENCH_DLL" "$COMMAND" --server "127.0.0.1:$GATEWAY_PORT" --cluster-id "$CLUSTER_ID" \
      --label "storage=$profile" "${JSON_ARGS[@]}" "${ARGS[@]}" || rc=$?
  fi
  [[ -z "$AZURITE_PID" ]] || echo "# Azurite CPU since its start: $(cpu_seconds "$AZURITE_PID") s" >&2
  if [[ $rc -ne 0 ]]; then echo "# bench ($profile) exited with $rc; silo log tail:" >&2; tail -n 20 "$LOG" >&2; status=$rc; fi
  stop_all
done
exit "$status"
