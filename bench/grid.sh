#!/usr/bin/env bash
# Grid figures in one command: for each storage profile, starts a silo on free ports, waits for /healthz,
# runs `bench grid` against its gateway and stops the silo (and whatever it started, e.g. Azurite).
#   bench/grid.sh [--storage Memory|AzureStorage|all] [--json-dir DIR] [bench grid options: --ops 20000 --concurrency 200 --size 1024 ...]
# Env: SILO_DLL (default: built from Silo/), SILO_ARGS (extra silo flags), BENCH_TIMEOUT seconds per run
#      (default 1800), READY_TIMEOUT seconds to wait for /healthz (default 180), NO_BUILD=1 to skip the build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_TIMEOUT="${BENCH_TIMEOUT:-1800}"
READY_TIMEOUT="${READY_TIMEOUT:-180}"
PROFILES=(Memory AzureStorage)
ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --storage) [[ "$2" == all ]] || PROFILES=("$2"); shift 2 ;;
    --json-dir) JSON_DIR="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done

cd "$ROOT"
if [[ "${NO_BUILD:-0}" != 1 ]]; then
  dotnet build bench/Bench.csproj -c Release -nologo -v q >&2
  [[ -n "${SILO_DLL:-}" ]] || dotnet build Silo -c Release -nologo -v q >&2
fi
SILO_DLL="${SILO_DLL:-$(dotnet msbuild Silo -getProperty:TargetPath -p:Configuration=Release | tail -n 1)}"
BENCH_DLL="$ROOT/bench/bin/Release/net10.0/bench.dll"
[[ -f "$SILO_DLL" && -f "$BENCH_DLL" ]] || { echo "missing $SILO_DLL or $BENCH_DLL" >&2; exit 3; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/gridbench.XXXXXX")"
SILO_PID=""
stop_silo() {
  [[ -n "$SILO_PID" ]] || return 0
  # The silo runs in its own process group (setsid): stop it and anything it started, then make sure.
  kill -TERM -- "-$SILO_PID" 2>/dev/null || true
  for _ in $(seq 1 75); do kill -0 -- "-$SILO_PID" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$SILO_PID" 2>/dev/null || true
  wait "$SILO_PID" 2>/dev/null || true
  SILO_PID=""
}
trap 'stop_silo; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  for _ in $(seq 1 100); do
    local p=$((20000 + RANDOM % 30000))
    if port_free "$p" && [[ " ${USED_PORTS:-} " != *" $p "* ]]; then USED_PORTS="${USED_PORTS:-} $p"; echo "$p"; return 0; fi
  done
  echo "no free port found" >&2; return 1
}

status=0
for profile in "${PROFILES[@]}"; do
  USED_PORTS=""
  SILO_PORT="$(free_port)"; USED_PORTS="$SILO_PORT"
  GATEWAY_PORT="$(free_port)"; USED_PORTS="$USED_PORTS $GATEWAY_PORT"
  HTTP_PORT="$(free_port)"
  CLUSTER_ID="bench-$(date +%s)-$RANDOM"
  LOG="$WORK/silo-$profile.log"
  echo "# host: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%FT%TZ)" >&2
  echo "# starting silo ($profile) silo-port=$SILO_PORT gateway-port=$GATEWAY_PORT http-port=$HTTP_PORT cluster-id=$CLUSTER_ID" >&2
  # shellcheck disable=SC2086
  setsid dotnet "$SILO_DLL" --storage "$profile" --silo-port "$SILO_PORT" --gateway-port "$GATEWAY_PORT" \
    --http-port "$HTTP_PORT" --cluster-id "$CLUSTER_ID" ${SILO_ARGS:-} > "$LOG" 2>&1 &
  SILO_PID=$!

  deadline=$((SECONDS + READY_TIMEOUT))
  until curl -fsS -m 2 "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1; do
    if ! kill -0 "$SILO_PID" 2>/dev/null || (( SECONDS >= deadline )); then
      echo "# silo ($profile) not healthy within ${READY_TIMEOUT}s; log tail:" >&2; tail -n 40 "$LOG" >&2
      stop_silo; status=4; continue 2
    fi
    sleep 0.5
  done
  echo "# silo ($profile) healthy after $((SECONDS - deadline + READY_TIMEOUT)) s" >&2

  rc=0
  JSON_ARGS=()
  [[ -z "${JSON_DIR:-}" ]] || JSON_ARGS=(--json-out "$JSON_DIR/grid-$profile.json")
  timeout --kill-after=10 "$BENCH_TIMEOUT" dotnet "$BENCH_DLL" grid --server "127.0.0.1:$GATEWAY_PORT" \
    --cluster-id "$CLUSTER_ID" --label "storage=$profile" "${JSON_ARGS[@]}" "${ARGS[@]}" || rc=$?
  if [[ $rc -ne 0 ]]; then echo "# bench ($profile) exited with $rc; silo log tail:" >&2; tail -n 20 "$LOG" >&2; status=$rc; fi
  stop_silo
done
exit "$status"
