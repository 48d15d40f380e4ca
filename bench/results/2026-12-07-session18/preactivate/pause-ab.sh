#!/usr/bin/env bash
# Session 18 (issue 16): main (BASE_DLL) against the pre-activating throw-away build (NEW_DLL, preactivate.patch on
# bf0cc3c), phases create,set,set,delete with a 3 s pause before each phase (ZkBench --pause-ms, outside the timing),
# so that the pre-activations queued by the create phase are done before the first set. Three rounds, orders
# alternating; one private PostgreSQL, a fresh database per run. Run as root. Env: OUT, BASE_DLL, NEW_DLL.
set -uo pipefail
cd "$(dirname "$0")/../../../.."
OUT=${OUT:-bench/results/2026-12-07-session18/preactivate/pause}
mkdir -p "$OUT"
source bench/lib.sh
start_private_postgres "${PGPORT:-55457}" -c max_connections=200
trap stop_private_postgres EXIT
CS="Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=grid_ab"
Z=(--ops 20000 --concurrency 200 --size 1024 --phases create,set,set,delete --pause-ms 3000)
run() { # dll label round
  psql -X -q -c "DROP DATABASE IF EXISTS grid_ab" -c "CREATE DATABASE grid_ab" postgres 2>/dev/null
  NO_BUILD=1 SILO_DLL=$1 SILO_ARGS="--connection-string $CS" bench/grid.sh --storage Postgres --load zk "${Z[@]}" > "$OUT/pg-$2-r$3.txt" 2>&1
}
for r in 1 2 3; do
  if (( r % 2 )); then run "$BASE_DLL" base "$r"; run "$NEW_DLL" new "$r"; else run "$NEW_DLL" new "$r"; run "$BASE_DLL" base "$r"; fi
done
