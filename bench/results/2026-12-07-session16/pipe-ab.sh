#!/usr/bin/env bash
# Session 16 (issue 16): the ZooKeeper port on PostgreSQL (durable), 200 outstanding, 20,000 x 1 KiB: BASE_DLL (a build
# of main before the change) against NEW_DLL (this checkout's build), beside ZooKeeper 3.8 (forceSync) in the same
# interleaved rounds, the builds' order alternating. One private PostgreSQL (trust, a fresh database per run).
# Needs: BASE_DLL (a checkout of the base commit with its node_modules, built), PostgreSQL 15 binaries, run as root.
# Env: OUT (folder for the raw files), ROUNDS (3), PHASES (create,set,delete), ZK=0 to leave ZooKeeper out.
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=${OUT:-bench/results/2026-12-07-session16/pipe-ab}
mkdir -p "$OUT"
BASE_DLL=${BASE_DLL:?a build of the base commit}
NEW_DLL=${NEW_DLL:-$PWD/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll}
ROUNDS=${ROUNDS:-3}
PHASES=${PHASES:-create,set,delete}
source bench/lib.sh
start_private_postgres "${PGPORT:-55436}" -c max_connections=200
trap stop_private_postgres EXIT
CS="Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=grid_ab"
Z=(--ops 20000 --concurrency 200 --size 1024)
pg_run() { # dll label round
  psql -X -q -c "DROP DATABASE IF EXISTS grid_ab" -c "CREATE DATABASE grid_ab" postgres
  NO_BUILD=1 SILO_DLL=$1 SILO_ARGS="--connection-string $CS" \
    bench/grid.sh --storage Postgres --load zk "${Z[@]}" --phases "$PHASES" > "$OUT/pg-$2-r$3.txt" 2>&1
}
for r in $(seq 1 "$ROUNDS"); do
  [[ "${ZK:-1}" == 0 ]] || bench/zookeeper-reference.sh "${Z[@]}" > "$OUT/zookeeper-r$r.txt" 2>&1
  if (( r % 2 )); then pg_run "$BASE_DLL" base "$r"; pg_run "$NEW_DLL" new "$r"; else pg_run "$NEW_DLL" new "$r"; pg_run "$BASE_DLL" base "$r"; fi
done
echo done
