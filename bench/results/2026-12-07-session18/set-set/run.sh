#!/usr/bin/env bash
# Session 18 (issue 16): the ZooKeeper benchmark with the set phase run twice (create,set,set,delete), the grid on
# PostgreSQL beside ZooKeeper 3.8, three rounds. The first set activates each znode grain (its first touch); the second
# finds them all active: the difference is what activation costs the set phase. Run as root. Env: OUT.
set -uo pipefail
cd "$(dirname "$0")/../../../.."
OUT=${OUT:-bench/results/2026-12-07-session18/set-set}
mkdir -p "$OUT"
source bench/lib.sh
start_private_postgres "${PGPORT:-55454}" -c max_connections=200
trap stop_private_postgres EXIT
CS="Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=grid_ab"
Z=(--ops 20000 --concurrency 200 --size 1024 --phases create,set,set,delete)
for r in 1 2 3; do
  bench/zookeeper-reference.sh "${Z[@]}" > "$OUT/zk-r$r.txt" 2>&1
  psql -X -q -c "DROP DATABASE IF EXISTS grid_ab" -c "CREATE DATABASE grid_ab" postgres 2>/dev/null
  NO_BUILD=1 SILO_ARGS="--connection-string $CS" bench/grid.sh --storage Postgres --load zk "${Z[@]}" > "$OUT/pg-r$r.txt" 2>&1
done
