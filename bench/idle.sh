#!/usr/bin/env bash
# What an idle silo costs: starts one silo (Memory profile by default) on free ports, waits for /healthz and a
# settling time, then reports the CPU seconds it uses over a window in which nobody calls it (pulling agents'
# polls, timers, membership). Stops what it started.
#   bench/idle.sh [--storage Memory] [--settle 20] [--window 30]
# Env: SILO_DLL (default: built from Silo/), SILO_ARGS (extra silo flags), NO_BUILD=1 to skip the build.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$HERE/lib.sh"
PROFILE=Memory; SETTLE=20; WINDOW=30
while [[ $# -gt 0 ]]; do
  case "$1" in
    --storage) PROFILE="$2"; shift 2 ;;
    --settle) SETTLE="$2"; shift 2 ;;
    --window) WINDOW="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

cd "$ROOT"
if [[ "${NO_BUILD:-0}" != 1 && -z "${SILO_DLL:-}" ]]; then dotnet build Silo -c Release -nologo -v q >&2; fi
SILO_DLL="${SILO_DLL:-$(dotnet msbuild Silo -getProperty:TargetPath -p:Configuration=Release | tail -n 1)}"
SILO_PID=""
trap 'stop_group "$SILO_PID"' EXIT
trap 'exit 130' INT TERM
free_port SILO_PORT; free_port GATEWAY_PORT; free_port HTTP_PORT; free_port ZK_PORT
LOG="$(mktemp "${TMPDIR:-/tmp}/idle-silo.XXXXXX")"
# shellcheck disable=SC2086
setsid dotnet "$SILO_DLL" --storage "$PROFILE" --silo-port "$SILO_PORT" --gateway-port "$GATEWAY_PORT" --http-port "$HTTP_PORT" \
  --zk-port "$ZK_PORT" --proxy-port 0 --cluster-id "idle-$(date +%s)-$RANDOM" ${SILO_ARGS:-} > "$LOG" 2>&1 &
SILO_PID=$!
started=$SECONDS
until curl -fsS -m 2 "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1; do
  if ! kill -0 "$SILO_PID" 2>/dev/null || (( SECONDS - started >= 180 )); then tail -n 40 "$LOG" >&2; exit 4; fi
  sleep 0.5
done
sleep "$SETTLE"
before="$(cpu_seconds "$SILO_PID")"
sleep "$WINDOW"
after="$(cpu_seconds "$SILO_PID")"
echo "# host: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%FT%TZ)"
awk -v a="$before" -v b="$after" -v w="$WINDOW" -v p="$PROFILE" \
  'BEGIN { printf "idle silo (%s): %.2f CPU s in %d s = %.1f%% of one core\n", p, b - a, w, 100 * (b - a) / w }'
rm -f "$LOG"
