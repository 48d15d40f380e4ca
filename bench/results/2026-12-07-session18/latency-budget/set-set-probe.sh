#!/usr/bin/env bash
# Session 18: the probe build (see run.sh: probe.patch on bf0cc3c, built in /tmp/probe) one set at a time, the set phase twice
# (warm-up 1,000 sets = the first line of /tmp/s18/probe.txt; then the first set phase, lines 2-4; the second, lines 5-7).
set -uo pipefail
cd "$(dirname "$0")/../../../.."; source bench/lib.sh
start_private_postgres 55456 -c max_connections=200
trap stop_private_postgres EXIT
CS="Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=grid_ab"
psql -X -q -c "CREATE DATABASE grid_ab" postgres
NO_BUILD=1 SILO_DLL=/tmp/probe/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll SILO_ARGS="--connection-string $CS" bench/grid.sh --storage Postgres --load zk --ops 3000 --concurrency 1 --size 1024 --warmup 1000 --phases create,set,set
