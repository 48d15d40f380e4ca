#!/usr/bin/env bash
# Session 14 (pgmulti): does PostgreSQL keep one generic plan for the small-group statement, or plan it at every call?
# One run of the ZooKeeper port, one at a time (creates and deletes are 2-record commits, so small groups), on a private
# PostgreSQL with pg_stat_statements (track_planning on); then plans against calls per statement.
set -uo pipefail
cd "$(dirname "$0")/../../../.."
OUT=bench/results/2026-12-07-session14/pgmulti
DLL=${NEW_DLL:-$PWD/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll}
source bench/lib.sh
start_private_postgres "${PGPORT:-55448}" -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on
trap stop_private_postgres EXIT
psql -X -q -c "CREATE DATABASE grid_ab" -c "CREATE EXTENSION pg_stat_statements" postgres
NO_BUILD=1 SILO_DLL=$DLL SILO_ARGS="--connection-string Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=grid_ab" \
  bench/grid.sh --storage Postgres --load zk --ops 1000 --concurrency 1 --warmup 100 --size 1024 --phases create,set,delete
psql -X -c "SELECT calls, plans, round(mean_exec_time::numeric, 3) AS exec_ms, round(mean_plan_time::numeric, 3) AS plan_ms, left(regexp_replace(query, '\s+', ' ', 'g'), 90) AS query FROM pg_stat_statements WHERE calls > 100 ORDER BY calls DESC" postgres
