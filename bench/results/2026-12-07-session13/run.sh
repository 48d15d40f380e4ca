#!/usr/bin/env bash
# Session 13 quiet run (issue 16 and issue 21): the ZooKeeper port on PostgreSQL (durable) and on Memory, 200 outstanding,
# 20,000 x 1 KiB, interleaved rounds of: ZooKeeper 3.8 (forceSync), the build before this session (BASE_DLL, 97b9d94) and
# this session's build (the single write without the commit function, no connection reset, the session layer and the
# record bridge); plus one write at a time on PostgreSQL (set/create/delete p50). Both PostgreSQL builds use one private
# PostgreSQL (trust, free port, a fresh database per run) so that no other silo's data is in the way.
# Needs: BASE_DLL built from 97b9d94 (a worktree with its node_modules), PostgreSQL 15 binaries, run as root.
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=bench/results/2026-12-07-session13
BASE_DLL=${BASE_DLL:-/tmp/base13/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll}
NEW_DLL=${NEW_DLL:-$PWD/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll}
ROUNDS=${ROUNDS:-3}  # FIRST_ROUND=N resumes at round N
source bench/lib.sh
start_private_postgres "${PGPORT:-55433}" -c max_connections=200
trap stop_private_postgres EXIT
CS="Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=grid_ab"
Z=(--ops 20000 --concurrency 200 --size 1024)
pg_run() { # build label concurrency round
  psql -X -q -c "DROP DATABASE IF EXISTS grid_ab" -c "CREATE DATABASE grid_ab" postgres
  if [[ $3 == 1 ]]; then A=(--ops 1000 --concurrency 1 --warmup 100 --size 1024); else A=("${Z[@]}"); fi
  NO_BUILD=1 SILO_DLL=$1 SILO_ARGS="--connection-string $CS" \
    bench/grid.sh --storage Postgres --load zk "${A[@]}" --phases create,set,delete > "$OUT/pg-$2-c$3-r$4.txt" 2>&1
}
for r in $(seq "${FIRST_ROUND:-1}" "$ROUNDS"); do
  bench/zookeeper-reference.sh "${Z[@]}" > "$OUT/zookeeper-r$r.txt" 2>&1
  pg_run "$BASE_DLL" base 200 "$r"; pg_run "$NEW_DLL" new 200 "$r"
  pg_run "$BASE_DLL" base 1 "$r"; pg_run "$NEW_DLL" new 1 "$r"
  NO_BUILD=1 SILO_DLL=$BASE_DLL bench/grid.sh --storage Memory --load zk "${Z[@]}" > "$OUT/memory-base-r$r.txt" 2>&1
  NO_BUILD=1 SILO_DLL=$NEW_DLL bench/grid.sh --storage Memory --load zk "${Z[@]}" > "$OUT/memory-new-r$r.txt" 2>&1
done
echo done
