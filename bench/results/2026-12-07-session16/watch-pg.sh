#!/usr/bin/env bash
# Session 16 (issue 16): set -> event latency over the ZooKeeper port on PostgreSQL (durable), 1 watcher, 1,000 sets
# after 100 warm-up sets, beside ZooKeeper 3.8 (forceSync) in the same interleaved rounds. One private PostgreSQL
# (trust, a fresh database per run). Run as root (PostgreSQL runs as postgres). Env: OUT, ROUNDS (3).
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=${OUT:-bench/results/2026-12-07-session16/watch-pg}
mkdir -p "$OUT"
ROUNDS=${ROUNDS:-3}
source bench/lib.sh
start_private_postgres "${PGPORT:-55439}" -c max_connections=200
trap stop_private_postgres EXIT
CS="Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=grid_ab"
W=(--watchers 1 --sets 1000 --warmup 100)
for r in $(seq 1 "$ROUNDS"); do
  bench/zookeeper-reference.sh watch "${W[@]}" > "$OUT/zookeeper-r$r.txt" 2>&1
  psql -X -q -c "DROP DATABASE IF EXISTS grid_ab" -c "CREATE DATABASE grid_ab" postgres 2>/dev/null
  NO_BUILD=1 SILO_ARGS="--connection-string $CS" bench/grid.sh watch --storage Postgres --load zk "${W[@]}" > "$OUT/grid-r$r.txt" 2>&1
done
echo done
