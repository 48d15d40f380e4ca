#!/usr/bin/env bash
# Issue 22, session 17: where the TLS cost of the ZooKeeper port goes. For ROUNDS rounds (order reversed every other
# round), runs each SPEC: one fresh server (a Memory silo from DLL, or ZooKeeper 3.8 as bench/zookeeper-reference.sh
# starts it, NettyServerCnxnFactory) and ZkBench (Netty client socket; with tls: client certificate, as bench/grid.sh
# --tls), --pause-ms 1000, under phasecpu.py: per phase ops/s and CPU microseconds per operation of the server and of
# the Java client. PERF=1: perf record -g the server (the silo with DOTNET_PerfMapEnabled=1) into OUT/LABEL-rN.perf.data;
# JAVA_EXTRA: more JVM flags for the client.
#   zkcpu.sh OUT ROUNDS LABEL:grid:netty|tls:DLL ... LABEL:zookeeper:netty|tls ...   (env OPS, PHASES, CONCURRENCY, WARMUP: ZkBench --warmup, default 1000)
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"; ROOT="$(cd "$HERE/../../../.." && pwd)"
source "$ROOT/bench/lib.sh"
OUT="$1"; ROUNDS="$2"; shift 2; SPECS=("$@")
OPS="${OPS:-20000}"; PHASES="${PHASES:-create,set,get,exists,delete}"; CONCURRENCY="${CONCURRENCY:-200}"
mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/zkcpu.XXXXXX)"
SERVER_PID=""
trap 'stop_group "$SERVER_PID"; rm -rf "$WORK"' EXIT
make_tls_material "$WORK/tls" || exit 3
mkdir -p "$WORK/classes"
javac -nowarn -Xlint:-path -implicit:none -proc:none -d "$WORK/classes" -cp /usr/share/java/zookeeper.jar "$ROOT/bench/zookeeper/ZkBench.java"

run_spec() {
  local label system mode dll round="$2" port target flags=() env=() perf_pid=""
  IFS=: read -r label system mode dll <<< "$1"
  free_port port; target="$port"
  [[ "$mode" == tls ]] && free_port target
  if [[ "$system" == grid ]]; then
    local sp gp hp tlsargs=()
    free_port sp; free_port gp; free_port hp
    [[ "$mode" == tls ]] && tlsargs=(--zk-secure-port "$target" --tls-certificate "$WORK/tls/server.pem" --tls-key "$WORK/tls/server.key" --tls-ca "$WORK/tls/ca.pem" --require-client-certificate)
    [[ "${PERF:-0}" == 1 ]] && env=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0)
    (cd "$ROOT" && exec env "${env[@]}" setsid dotnet "$dll" --storage Memory --silo-port "$sp" --gateway-port "$gp" --http-port "$hp" \
      --zk-port "$port" --proxy-port 0 --cluster-id "zkcpu-$RANDOM" "${tlsargs[@]}") > "$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 360); do curl -fsS -m 2 "http://127.0.0.1:$hp/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
  else
    local cfg=$'serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory\nforceSync=yes'
    [[ "$mode" == tls ]] && cfg+=$'\n'"secureClientPort=$target"$'\nsecureClientPortAddress=127.0.0.1\n'"ssl.keyStore.location=$WORK/tls/server.p12
ssl.keyStore.password=$TLS_STORE_PASSWORD
ssl.trustStore.location=$WORK/tls/truststore.p12
ssl.trustStore.password=$TLS_STORE_PASSWORD"
    ZK_EXTRA_CONFIG="$cfg" start_zookeeper "$WORK/zk" "$port" 1g ruok,srvr
    for _ in $(seq 1 120); do four_letter "$port" srvr | grep -q "^Mode:" && break; sleep 0.5; done
    wait_port "$target" 30 "$SERVER_PID"
  fi
  if [[ "$mode" == tls ]]; then zk_client_tls_flags "$WORK/tls"; flags=("${ZK_CLIENT_TLS_FLAGS[@]}")
  else flags=(-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty); fi
  echo "# $(date -u +%FT%TZ) round $round: $label ($system $mode ${dll:-}), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  if [[ "${PERF:-0}" == 1 ]]; then
    perf record -F 999 -g -p "$SERVER_PID" -k CLOCK_REALTIME -o "$OUT/$label-r$round.perf.data" > /dev/null 2> "$WORK/perf.log" &
    perf_pid=$!; sleep 1
  fi
  # STRACE=1: count the server's socket syscalls over the whole run (slows it: for counts only, not for timings).
  if [[ "${STRACE:-0}" == 1 ]]; then strace -f -c -e trace=sendmsg,sendto,write,writev,recvmsg,recvfrom,read -p "$SERVER_PID" -o "$OUT/$label-r$round.strace.txt" & strace_pid=$!; sleep 1; fi
  echo "# server pid $SERVER_PID" > "$OUT/$label-r$round.pid"
  python3 "$HERE/phasecpu.py" "$SERVER_PID" "$OPS" "$OUT/$label-r$round.json" -- java -Xmx1g ${JAVA_EXTRA:-} "${flags[@]}" -cp "$(zk_client_classpath "$WORK/classes")" \
    ZkBench --server "127.0.0.1:$target" --ops "$OPS" --concurrency "$CONCURRENCY" --size 1024 --phases "$PHASES" --warmup "${WARMUP:-1000}" --pause-ms 1000 \
    > "$OUT/$label-r$round.txt" 2> "${BENCH_ERR:-$WORK/bench.err}" || { echo "#   failed: $(tail -n 5 "$WORK/bench.err")"; tail -n 20 "$WORK/server.log"; }
  grep '^# [a-z]' "$OUT/$label-r$round.txt" | grep -v target
  if [[ -n "$perf_pid" ]]; then kill -INT "$perf_pid"; wait "$perf_pid"; fi
  if [[ -n "${strace_pid:-}" ]]; then kill -INT "$strace_pid"; wait "$strace_pid"; strace_pid=""; fi
  stop_group "$SERVER_PID"; SERVER_PID=""
}

for round in $(seq 1 "$ROUNDS"); do
  order=("${SPECS[@]}")
  if (( round % 2 == 0 )); then order=(); for (( i=${#SPECS[@]}-1; i>=0; i-- )); do order+=("${SPECS[$i]}"); done; fi
  for spec in "${order[@]}"; do run_spec "$spec" "$round"; done
done
