#!/usr/bin/env bash
# Session 16 (issue 16): the SDK's recipes on PostgreSQL (durable), BASE (a checkout of main before the change, with
# its own bench and silo builds: its bench/grid.sh runs its bench.dll) against this checkout's builds, beside kazoo on
# ZooKeeper 3.8 (forceSync) in the same interleaved rounds, the builds' order alternating. One private PostgreSQL
# (trust, a fresh database per run). Run as root. Env: BASE (the base checkout, built), OUT, ROUNDS (3).
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=${OUT:-$PWD/bench/results/2026-12-07-session16/sdk-recipes-ab}
mkdir -p "$OUT"
BASE=${BASE:?a checkout of the base commit with Silo and bench built}
ROUNDS=${ROUNDS:-3}
source bench/lib.sh
start_private_postgres "${PGPORT:-55440}" -c max_connections=200
trap stop_private_postgres EXIT
CS="Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=grid_ab"
R=(--ops 2000 --concurrency 8 --size 64 --warmup 200)
sdk_run() { # checkout label round
  psql -X -q -c "DROP DATABASE IF EXISTS grid_ab" -c "CREATE DATABASE grid_ab" postgres 2>/dev/null
  (cd "$1" && NO_BUILD=1 SILO_ARGS="--connection-string $CS" bench/grid.sh recipes --storage Postgres "${R[@]}") > "$OUT/sdk-$2-r$3.txt" 2>&1
}
for r in $(seq 1 "$ROUNDS"); do
  bench/zookeeper-reference.sh recipes "${R[@]}" > "$OUT/zk-ref-r$r.txt" 2>&1
  if (( r % 2 )); then sdk_run "$BASE" base "$r"; sdk_run "$PWD" new "$r"; else sdk_run "$PWD" new "$r"; sdk_run "$BASE" base "$r"; fi
done
echo done
