#!/usr/bin/env bash
# Session 10 quiet run: three interleaved rounds of ZooKeeper 3.8 (forceSync=yes), the grid's ZooKeeper port on
# Memory and on PostgreSQL (the silo's embedded PostgreSQL, fsync and synchronous_commit on); then watch latency.
set -uo pipefail
cd /work/main
OUT=bench/results/2026-12-06-session10
mkdir -p "$OUT"
ARGS=(--ops 20000 --concurrency 200 --size 1024)
for r in 1 2 3; do
  bench/zookeeper-reference.sh "${ARGS[@]}" > "$OUT/zk-ref-$r.txt" 2>&1
  NO_BUILD=1 bench/grid.sh --storage Memory --load zk "${ARGS[@]}" > "$OUT/zk-grid-Memory-$r.txt" 2>&1
  NO_BUILD=1 bench/grid.sh --storage Postgres --load zk "${ARGS[@]}" > "$OUT/zk-grid-Postgres-$r.txt" 2>&1
done
bench/zookeeper-reference.sh watch --watchers 1 --sets 1000 --warmup 100 > "$OUT/watch-zk-ref.txt" 2>&1
NO_BUILD=1 bench/grid.sh watch --storage Postgres --load zk --watchers 1 --sets 1000 --warmup 100 > "$OUT/watch-grid-Postgres.txt" 2>&1
NO_BUILD=1 bench/grid.sh watch --storage Memory --load zk --watchers 1 --sets 1000 --warmup 100 > "$OUT/watch-grid-Memory.txt" 2>&1
echo done
