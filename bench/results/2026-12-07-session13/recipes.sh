#!/usr/bin/env bash
# Session 13 quiet run, part 2 (issue 16): recipes on PostgreSQL (durable) beside kazoo's on ZooKeeper 3.8 (forceSync):
# the SDK's native recipes and kazoo's recipes against the grid's ZooKeeper port (the wire lock recipe), interleaved
# rounds, this session's build only (the embedded PostgreSQL of --storage Postgres). Same options as session 11's run.
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=bench/results/2026-12-07-session13
R=(--ops 2000 --concurrency 8 --size 64 --warmup 200)
for r in $(seq "${FIRST_ROUND:-1}" "${ROUNDS:-3}"); do  # FIRST_ROUND=N resumes at round N
  bench/zookeeper-reference.sh recipes "${R[@]}" > "$OUT/recipes-zk-ref-$r.txt" 2>&1
  NO_BUILD=1 bench/grid.sh recipes --storage Postgres "${R[@]}" > "$OUT/recipes-sdk-Postgres-$r.txt" 2>&1
  NO_BUILD=1 bench/grid.sh recipes --load zk --storage Postgres "${R[@]}" > "$OUT/recipes-wire-Postgres-$r.txt" 2>&1
done
echo done
