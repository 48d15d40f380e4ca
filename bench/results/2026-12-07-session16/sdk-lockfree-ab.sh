#!/usr/bin/env bash
# Session 16 (issue 16): the SDK lock (lock-free) and counter on PostgreSQL, BASE (a built checkout of 5275f68, its own
# bench and silo) against this checkout, 8,000 ops, 8 workers, four rounds, order alternating; a private PostgreSQL.
# Env: BASE. Run as root.
BASE=${BASE:?a built checkout of the base commit}
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=${OUT:-$PWD/bench/results/2026-12-07-session16/sdk-lockfree-ab}; mkdir -p $OUT
source bench/lib.sh
start_private_postgres 55441 -c max_connections=200
trap stop_private_postgres EXIT
CS="Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=grid_ab"
R=(--ops 8000 --concurrency 8 --size 64 --warmup 500 --phases lock-free,counter-add)
run() { psql -X -q -c "DROP DATABASE IF EXISTS grid_ab" -c "CREATE DATABASE grid_ab" postgres 2>/dev/null
  (cd "$1" && NO_BUILD=1 SILO_ARGS="--connection-string $CS" bench/grid.sh recipes --storage Postgres "${R[@]}") > "$OUT/$2-r$3.txt" 2>&1; }
for r in 1 2 3 4; do
  if (( r % 2 )); then run "$BASE" base $r; run "$PWD" new $r; else run "$PWD" new $r; run "$BASE" base $r; fi
done
