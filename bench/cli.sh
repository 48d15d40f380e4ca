#!/usr/bin/env bash
# How long `coord get /x` takes from start to answer, beside ZooKeeper's own zkCli.sh on the same silo's ZooKeeper
# port (issue 23): starts a silo on free ports, creates /x, then times N runs of each client, interleaved (one run of
# each in turn, so drifting load hits all alike), and prints per client the median, min and max wall time in seconds
# and the median CPU time (user + system).
#   bench/cli.sh [--runs 20] [--storage Memory|AzureStorage] [--coord "CMD ..."]...
# --coord is repeatable; default: `dotnet Cli/bin/Release/net10.0/coord.dll` and, when on PATH, the installed `coord`.
# Env: SILO_DLL (default: built from Silo/), NO_BUILD=1 to skip the builds, READY_TIMEOUT (default 180 s).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$HERE/lib.sh"
READY_TIMEOUT="${READY_TIMEOUT:-180}"
ZKCLI=/usr/share/zookeeper/bin/zkCli.sh
RUNS=20
PROFILE=Memory
COORDS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --storage) PROFILE="$2"; shift 2 ;;
    --coord) COORDS+=("$2"); shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

cd "$ROOT"
if [[ "${NO_BUILD:-0}" != 1 ]]; then
  dotnet build Cli -c Release -nologo -v q >&2
  [[ -n "${SILO_DLL:-}" ]] || dotnet build Silo -c Release -nologo -v q >&2
fi
SILO_DLL="${SILO_DLL:-$ROOT/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll}"
if [[ ${#COORDS[@]} -eq 0 ]]; then
  COORDS=("dotnet $ROOT/Cli/bin/Release/net10.0/coord.dll")
  if command -v coord >/dev/null 2>&1; then COORDS+=("$(command -v coord)"); fi
fi
[[ -x "$ZKCLI" ]] || { echo "zkCli.sh missing: apt-get install -y zookeeper" >&2; exit 3; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/clibench.XXXXXX")"
SILO_PID=""; AZURITE_PID=""
stop_all() { stop_group "$SILO_PID"; SILO_PID=""; stop_group "$AZURITE_PID"; AZURITE_PID=""; }
trap 'stop_all; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

STORAGE_ARGS=()
if [[ "$PROFILE" == AzureStorage ]]; then
  start_azurite "$ROOT" "$WORK/azurite" || exit 5
  STORAGE_ARGS=(--connection-string "$AZURITE_CONNECTION_STRING")
fi
free_port SILO_PORT; free_port GATEWAY_PORT; free_port HTTP_PORT; free_port ZK_PORT
CLUSTER_ID="clibench-$(date +%s)-$RANDOM"
(cd "$ROOT" && exec setsid dotnet "$SILO_DLL" --storage "$PROFILE" "${STORAGE_ARGS[@]}" --silo-port "$SILO_PORT" \
  --gateway-port "$GATEWAY_PORT" --http-port "$HTTP_PORT" --zk-port "$ZK_PORT" --proxy-port 0 --dashboard off \
  --cluster-id "$CLUSTER_ID") > "$WORK/silo.log" 2>&1 &
SILO_PID=$!
started=$SECONDS
until curl -fsS -m 2 "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1; do
  if ! kill -0 "$SILO_PID" 2>/dev/null || (( SECONDS - started >= READY_TIMEOUT )); then
    echo "silo not healthy within ${READY_TIMEOUT}s; log tail:" >&2; tail -n 40 "$WORK/silo.log" >&2; exit 4
  fi
  sleep 0.5
done

COORD_ARGS=(--server "127.0.0.1:$GATEWAY_PORT" --cluster-id "$CLUSTER_ID")
# shellcheck disable=SC2086
${COORDS[0]} "${COORD_ARGS[@]}" create /x hello >/dev/null
echo "# $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%FT%TZ), silo --storage $PROFILE, $RUNS runs each" >&2

# One timed run: "$1" is the client's label, the rest its command line; checks that it printed the data. Records the
# wall time and the CPU time (user + system, the client's own and its children's): on a loaded machine the wall time
# mostly measures the load, the CPU time what the client itself does.
declare -A TIMES CPU
time_run() {
  local label="$1" start end out TIMEFORMAT='%U %S'; shift
  start=$(date +%s%N)
  { time out="$("$@" 2>/dev/null)"; } 2> "$WORK/cpu" || { echo "$label failed: $*" >&2; return 1; }
  end=$(date +%s%N)
  [[ "$out" == *hello* ]] || { echo "$label printed no data: $out" >&2; return 1; }
  TIMES[$label]+="$(( (end - start) / 1000000 )) "
  CPU[$label]+="$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$WORK/cpu") "
}

for _ in $(seq 1 "$RUNS"); do
  time_run zkCli.sh "$ZKCLI" -server "127.0.0.1:$ZK_PORT" get /x
  for coord in "${COORDS[@]}"; do
    # shellcheck disable=SC2086
    time_run "$coord" $coord "${COORD_ARGS[@]}" get /x
  done
done

# The median of the milliseconds on stdin, in seconds.
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", ((NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) / 1000 }'; }

printf '%-60s %8s %8s %8s %8s\n' client median min max cpu
for label in zkCli.sh "${COORDS[@]}"; do
  # shellcheck disable=SC2086
  wall="$(printf '%s\n' ${TIMES[$label]} | sort -n)"
  # shellcheck disable=SC2086
  printf '%-60s %8s %8.3f %8.3f %8s\n' "$label" "$(median <<< "$wall")" "$(head -n1 <<< "$wall")e-3" "$(tail -n1 <<< "$wall")e-3" \
    "$(printf '%s\n' ${CPU[$label]} | median)"
done
