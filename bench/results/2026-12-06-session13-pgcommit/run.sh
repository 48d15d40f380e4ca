#!/usr/bin/env bash
# Session 13, issue 16: the PostgreSQL store's single write without the commit function and without connection reset
# (ADR 012), A/B against the build before, interleaved: the ZooKeeper port's create/set/delete at concurrency 1 and with
# 200 outstanding. Both silos use one PostgreSQL the runner owns (not the embedded one on 5432, which other silos may
# share), a fresh database per run. Needs: BASE_DLL built from 97b9d94 (main before this change); a PostgreSQL reachable
# with psql's PGHOST/PGPORT/PGUSER (superuser, trust), e.g. one started as in tests/Shared/TestPostgres.cs.
# The loaded run of session 13 (load average 18-26, four other helpers busy) is in loaded-*.txt.
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=bench/results/2026-12-06-session13-pgcommit
BASE_DLL=${BASE_DLL:-/tmp/pgcommit-base/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll}
NEW_DLL=${NEW_DLL:-$PWD/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll}
CS="Host=${PGHOST:-127.0.0.1};Port=${PGPORT:-5432};Username=${PGUSER:-postgres};Database=grid_ab"
for r in 1 2 3; do
  for b in base new; do
    [[ $b == base ]] && DLL=$BASE_DLL || DLL=$NEW_DLL
    for c in 1 200; do
      psql -X -q -c "DROP DATABASE IF EXISTS grid_ab" -c "CREATE DATABASE grid_ab" postgres
      if [[ $c == 1 ]]; then A=(--ops 1000 --concurrency 1 --warmup 100); else A=(--ops 20000 --concurrency 200 --size 1024); fi
      NO_BUILD=1 SILO_DLL=$DLL SILO_ARGS="--connection-string $CS" \
        bench/grid.sh --storage Postgres --load zk "${A[@]}" --phases create,set,delete > "$OUT/$b-c$c-r$r.txt" 2>&1
    done
  done
done
echo done
