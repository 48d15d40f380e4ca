#!/usr/bin/env bash
# Session 15 (issue 16), quiet: the ZooKeeper port on PostgreSQL (durable), 200 outstanding, 20,000 x 1 KiB, before
# the watch-publish outbox (BASE_DLL: 1360301) and after it (NEW_DLL: main with ShardOutbox), beside ZooKeeper 3.8
# (forceSync) in the same interleaved rounds. One private PostgreSQL (trust, a fresh database per run).
# Needs: BASE_DLL built from 1360301 (a checkout with its node_modules), PostgreSQL 15 binaries, run as root.
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=bench/results/2026-12-07-session15/quiet-pg
mkdir -p "$OUT"
BASE_DLL=${BASE_DLL:-/tmp/post21/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll}
NEW_DLL=${NEW_DLL:-$PWD/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll}
ROUNDS=${ROUNDS:-3}
source bench/lib.sh
start_private_postgres "${PGPORT:-55435}" -c max_connections=200
trap stop_private_postgres EXIT
CS="Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=grid_ab"
Z=(--ops 20000 --concurrency 200 --size 1024)
pg_run() { # dll label round
  psql -X -q -c "DROP DATABASE IF EXISTS grid_ab" -c "CREATE DATABASE grid_ab" postgres
  NO_BUILD=1 SILO_DLL=$1 SILO_ARGS="--connection-string $CS" \
    bench/grid.sh --storage Postgres --load zk "${Z[@]}" --phases create,set,delete > "$OUT/pg-$2-r$3.txt" 2>&1
}
for r in $(seq 1 "$ROUNDS"); do
  bench/zookeeper-reference.sh "${Z[@]}" > "$OUT/zookeeper-r$r.txt" 2>&1
  if (( r % 2 )); then pg_run "$BASE_DLL" base "$r"; pg_run "$NEW_DLL" new "$r"; else pg_run "$NEW_DLL" new "$r"; pg_run "$BASE_DLL" base "$r"; fi
done
echo done
