#!/usr/bin/env bash
# Session 18 (issue 16): one request at a time (concurrency 1) through the ZooKeeper port, the grid on PostgreSQL
# (durable) beside ZooKeeper 3.8 (forceSync), two rounds; what each write costs in latency when nothing queues.
# Run as root from anywhere (PostgreSQL runs as postgres). Env: OUT (folder for the raw files).
set -uo pipefail
cd "$(dirname "$0")/../../../.."
OUT=${OUT:-bench/results/2026-12-07-session18/concurrency-1}
mkdir -p "$OUT"
source bench/lib.sh
start_private_postgres "${PGPORT:-55450}" -c max_connections=200
trap stop_private_postgres EXIT
CS="Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=grid_ab"
Z=(--ops 2000 --concurrency 1 --size 1024 --warmup 300)
for r in 1 2; do
  bench/zookeeper-reference.sh "${Z[@]}" > "$OUT/zk-r$r.txt" 2>&1
  psql -X -q -c "DROP DATABASE IF EXISTS grid_ab" -c "CREATE DATABASE grid_ab" postgres 2>/dev/null
  NO_BUILD=1 SILO_ARGS="--connection-string $CS" bench/grid.sh --storage Postgres --load zk "${Z[@]}" > "$OUT/pg-r$r.txt" 2>&1
done
# The Memory profile (nothing stored), once: the write path without the store.
NO_BUILD=1 bench/grid.sh --storage Memory --load zk "${Z[@]}" > "$OUT/mem-r1.txt" 2>&1
