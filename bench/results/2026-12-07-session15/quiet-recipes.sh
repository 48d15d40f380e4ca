#!/usr/bin/env bash
# Session 15 (issue 16), quiet: the recipes on PostgreSQL (durable) with the watch-publish outbox, beside kazoo on
# ZooKeeper 3.8 (forceSync) in the same interleaved rounds: the SDK's recipes, and kazoo's recipes over the grid's
# ZooKeeper port. One private PostgreSQL (trust, a fresh database per run). Run as root (PostgreSQL runs as postgres).
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=bench/results/2026-12-07-session15/quiet-recipes
mkdir -p "$OUT"
ROUNDS=${ROUNDS:-3}
source bench/lib.sh
start_private_postgres "${PGPORT:-55436}" -c max_connections=200
trap stop_private_postgres EXIT
CS="Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=grid_ab"
R=(--ops 2000 --concurrency 8 --size 64 --warmup 200)
recipes_run() { # label round [--load zk]
  psql -X -q -c "DROP DATABASE IF EXISTS grid_ab" -c "CREATE DATABASE grid_ab" postgres 2>/dev/null
  NO_BUILD=1 SILO_ARGS="--connection-string $CS" bench/grid.sh recipes --storage Postgres "${@:3}" "${R[@]}" > "$OUT/$1-r$2.txt" 2>&1
}
for r in $(seq 1 "$ROUNDS"); do
  bench/zookeeper-reference.sh recipes "${R[@]}" > "$OUT/zk-ref-r$r.txt" 2>&1
  recipes_run sdk "$r"
  recipes_run wire "$r" --load zk
done
echo done
