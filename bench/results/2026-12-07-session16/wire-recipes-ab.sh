#!/usr/bin/env bash
# Session 16 (issue 16): kazoo's recipes (Lock, LockingQueue, Counter) over the grid's ZooKeeper port on PostgreSQL
# (durable), BASE_DLL (main before the change) against NEW_DLL (this checkout's build), beside kazoo on ZooKeeper 3.8
# (forceSync) in the same interleaved rounds, the builds' order alternating. One private PostgreSQL (trust, a fresh
# database per run). Run as root (PostgreSQL runs as postgres). Env: OUT, ROUNDS (3).
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=${OUT:-bench/results/2026-12-07-session16/wire-recipes-ab}
mkdir -p "$OUT"
BASE_DLL=${BASE_DLL:?a build of the base commit}
NEW_DLL=${NEW_DLL:-$PWD/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll}
ROUNDS=${ROUNDS:-3}
source bench/lib.sh
start_private_postgres "${PGPORT:-55438}" -c max_connections=200
trap stop_private_postgres EXIT
CS="Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=grid_ab"
R=(--ops 2000 --concurrency 8 --size 64 --warmup 200)
wire_run() { # dll label round
  psql -X -q -c "DROP DATABASE IF EXISTS grid_ab" -c "CREATE DATABASE grid_ab" postgres 2>/dev/null
  NO_BUILD=1 SILO_DLL=$1 SILO_ARGS="--connection-string $CS" bench/grid.sh recipes --storage Postgres --load zk "${R[@]}" > "$OUT/wire-$2-r$3.txt" 2>&1
}
for r in $(seq 1 "$ROUNDS"); do
  bench/zookeeper-reference.sh recipes "${R[@]}" > "$OUT/zk-ref-r$r.txt" 2>&1
  if (( r % 2 )); then wire_run "$BASE_DLL" base "$r"; wire_run "$NEW_DLL" new "$r"; else wire_run "$NEW_DLL" new "$r"; wire_run "$BASE_DLL" base "$r"; fi
done
echo done
