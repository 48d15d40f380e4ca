#!/usr/bin/env bash
# Session 14 quiet run (issue 16): the ZooKeeper port on PostgreSQL (durable), 200 outstanding, 20,000 x 1 KiB, and
# the recipes (SDK lock and kazoo's recipes over the ZooKeeper port), interleaved rounds of: ZooKeeper 3.8 (forceSync),
# this session's main before the small-group path (BASE_DLL, 359dfbe) and after it (NEW_DLL, the merge of h14-pgmulti). The phases use one private PostgreSQL
# (trust, free port, a fresh database per run), the recipes too.
# Needs: BASE_DLL built from 359dfbe (a worktree with its node_modules), PostgreSQL 15 binaries, run as root.
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=bench/results/2026-12-07-session14
BASE_DLL=${BASE_DLL:-/tmp/base14b/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll}
NEW_DLL=${NEW_DLL:-$PWD/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll}
ROUNDS=${ROUNDS:-3}  # FIRST_ROUND=N resumes at round N
source bench/lib.sh
start_private_postgres "${PGPORT:-55434}" -c max_connections=200
trap stop_private_postgres EXIT
CS="Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=grid_ab"
Z=(--ops 20000 --concurrency 200 --size 1024)
R=(--ops 2000 --concurrency 8 --size 64 --warmup 200)
pg_run() { # dll label round
  psql -X -q -c "DROP DATABASE IF EXISTS grid_ab" -c "CREATE DATABASE grid_ab" postgres
  NO_BUILD=1 SILO_DLL=$1 SILO_ARGS="--connection-string $CS" \
    bench/grid.sh --storage Postgres --load zk "${Z[@]}" --phases create,set,delete > "$OUT/pg-$2-r$3.txt" 2>&1
}
recipes_run() { # dll label round [--load zk]
  psql -X -q -c "DROP DATABASE IF EXISTS grid_ab" -c "CREATE DATABASE grid_ab" postgres
  NO_BUILD=1 SILO_DLL=$1 SILO_ARGS="--connection-string $CS" \
    bench/grid.sh recipes --storage Postgres "${@:4}" "${R[@]}" > "$OUT/recipes-$2-r$3.txt" 2>&1
}
for r in $(seq "${FIRST_ROUND:-1}" "$ROUNDS"); do
  bench/zookeeper-reference.sh "${Z[@]}" > "$OUT/zookeeper-r$r.txt" 2>&1
  pg_run "$BASE_DLL" base "$r"; pg_run "$NEW_DLL" new "$r"
  bench/zookeeper-reference.sh recipes "${R[@]}" > "$OUT/recipes-zk-ref-r$r.txt" 2>&1
  recipes_run "$BASE_DLL" sdk-base "$r"; recipes_run "$NEW_DLL" sdk-new "$r"
  recipes_run "$BASE_DLL" wire-base "$r" --load zk; recipes_run "$NEW_DLL" wire-new "$r" --load zk
done
echo done
