#!/usr/bin/env bash
# Session 16 (issue 16, lockpg): the recipes on PostgreSQL (durable), the build before (A) and after (B) the overlapping
# group commit, interleaved in each round, beside kazoo on ZooKeeper 3.8 (forceSync) in the same round: as
# bench/results/2026-12-07-session15/quiet-recipes.sh, with two silo builds. One private PostgreSQL (trust, a fresh
# database per run). Run as root (PostgreSQL runs as the postgres user).
#   recipes-ab.sh SILO_DLL_A SILO_DLL_B        (the bench from this tree's bench/bin, built beforehand)
set -uo pipefail
cd "$(dirname "$0")/../../../.."
OUT=bench/results/2026-12-07-session16/lockpg/recipes-ab
mkdir -p "$OUT"
ROUNDS=${ROUNDS:-3}
DLL_A="$1"; DLL_B="$2"
source bench/lib.sh
free_port PGP
start_private_postgres "$PGP" -c max_connections=200
trap stop_private_postgres EXIT
CS="Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=grid_ab"
R=(--ops 2000 --concurrency 8 --size 64 --warmup 200)
recipes_run() { # label round silo-dll
  psql -X -q -c "DROP DATABASE IF EXISTS grid_ab" -c "CREATE DATABASE grid_ab" postgres 2>/dev/null
  SILO_DLL="$3" NO_BUILD=1 SILO_ARGS="--connection-string $CS" bench/grid.sh recipes --storage Postgres "${R[@]}" > "$OUT/$1-r$2.txt" 2>&1
}
for r in $(seq 1 "$ROUNDS"); do
  bench/zookeeper-reference.sh recipes "${R[@]}" > "$OUT/zk-ref-r$r.txt" 2>&1
  if (( r % 2 )); then recipes_run sdk-A "$r" "$DLL_A"; recipes_run sdk-B "$r" "$DLL_B"
  else recipes_run sdk-B "$r" "$DLL_B"; recipes_run sdk-A "$r" "$DLL_A"; fi
done
echo done
