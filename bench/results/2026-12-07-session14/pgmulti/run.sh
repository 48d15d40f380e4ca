#!/usr/bin/env bash
# Session 14, issue 16 (pgmulti): small multi-record commits without the PL/pgSQL commit function. A/B interleaved on
# one private PostgreSQL 15 (trust, a free port, fsync on, a fresh database per run): BASE_DLL = main (d0afa22),
# NEW_DLL = this branch. Per round, in alternating order (base first in odd rounds, new first in even ones):
#   the ZooKeeper port, 200 outstanding, 20,000 x 1 KiB, create/set/delete (a create or delete is a 2-record commit);
#   the same, one at a time (1,000 ops): the small path's own latency;
#   the SDK's recipes and kazoo's recipes over the ZooKeeper port (2,000 ops, 8 at a time, 64 B).
# Needs: both builds (Silo and bench), PostgreSQL 15 binaries, run as root (initdb as the postgres user).
set -uo pipefail
cd "$(dirname "$0")/../../../.."
OUT=${OUT:-bench/results/2026-12-07-session14/pgmulti/shape}  # the first run (generic statement, eb195f5): OUT=.../pgmulti/generic
TESTS=${TESTS:-zk-c200 zk-c1 recipes-sdk recipes-wire}  # the second run: TESTS="zk-c200 recipes-sdk recipes-wire"
mkdir -p "$OUT"
BASE_DLL=${BASE_DLL:-/work/wt-pgmulti-base/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll}
NEW_DLL=${NEW_DLL:-$PWD/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll}
ROUNDS=${ROUNDS:-3}  # FIRST_ROUND=N resumes at round N
source bench/lib.sh
start_private_postgres "${PGPORT:-55447}" -c max_connections=200
# PostgreSQL's own CPU, sampled once a second (summarize.py gives it per run).
"$(dirname "$0")/pgcpu-sampler.sh" "$(head -n 1 "$PG_DATA_DIR/data/postmaster.pid")" > "$OUT/pgcpu-samples.txt" &
trap stop_private_postgres EXIT
CS="Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=grid_ab"
fresh_db() { psql -X -q -c "DROP DATABASE IF EXISTS grid_ab" -c "CREATE DATABASE grid_ab" postgres; }
one_build() { # dll label round
  local dll=$1 label=$2 r=$3
  [[ " $TESTS " == *" zk-c200 "* ]] && { fresh_db; NO_BUILD=1 SILO_DLL=$dll SILO_ARGS="--connection-string $CS" bench/grid.sh --storage Postgres --load zk \
    --ops 20000 --concurrency 200 --size 1024 --phases create,set,delete > "$OUT/zk-c200-$label-r$r.txt" 2>&1; }
  [[ " $TESTS " == *" zk-c1 "* ]] && { fresh_db; NO_BUILD=1 SILO_DLL=$dll SILO_ARGS="--connection-string $CS" bench/grid.sh --storage Postgres --load zk \
    --ops 1000 --concurrency 1 --warmup 100 --size 1024 --phases create,set,delete > "$OUT/zk-c1-$label-r$r.txt" 2>&1; }
  [[ " $TESTS " == *" recipes-sdk "* ]] && { fresh_db; NO_BUILD=1 SILO_DLL=$dll SILO_ARGS="--connection-string $CS" bench/grid.sh recipes --storage Postgres \
    --ops 2000 --concurrency 8 --size 64 --warmup 200 > "$OUT/recipes-sdk-$label-r$r.txt" 2>&1; }
  [[ " $TESTS " == *" recipes-wire "* ]] && { fresh_db; NO_BUILD=1 SILO_DLL=$dll SILO_ARGS="--connection-string $CS" bench/grid.sh recipes --load zk --storage Postgres \
    --ops 2000 --concurrency 8 --size 64 --warmup 200 > "$OUT/recipes-wire-$label-r$r.txt" 2>&1; }
  return 0
}
for r in $(seq "${FIRST_ROUND:-1}" "$ROUNDS"); do
  echo "# round $r start $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/rounds.txt"
  if (( r % 2 == 1 )); then one_build "$BASE_DLL" base "$r"; one_build "$NEW_DLL" new "$r"
  else one_build "$NEW_DLL" new "$r"; one_build "$BASE_DLL" base "$r"; fi
  echo "# round $r end $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/rounds.txt"
done
echo done
