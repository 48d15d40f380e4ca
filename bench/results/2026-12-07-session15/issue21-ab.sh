#!/usr/bin/env bash
# Session 15 (issue 21, "no behaviour change: benchmarks within noise"): the grid before session 14's and 15's session
# layer steps (478ec38: before the one keep-alive, watch registrations, watch kinds, watch routing, session opening, the
# grouped recipe decisions) against after them (1360301: main before the watch publish outbox of issue 16), interleaved,
# orders alternating, on the Memory profile (no store): the five ZooKeeper phases over the ZooKeeper port, watch delivery
# (SDK and ZooKeeper port, 1 and 1,000 watchers) and the SDK recipes.
# Needs PRE_REPO and POST_REPO: checkouts of those commits with Silo and bench built and Azurite's node_modules.
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=bench/results/2026-12-07-session15/issue21
mkdir -p "$OUT"
PRE_REPO=${PRE_REPO:-/tmp/pre21}
POST_REPO=${POST_REPO:-/tmp/post21}
ROUNDS=${ROUNDS:-3}
Z=(--storage Memory --load zk --ops 20000 --concurrency 200 --size 1024)
W=(--storage Memory --watchers 1,1000 --sets 1000 --warmup 100)
R=(--storage Memory --ops 2000 --concurrency 8 --size 64 --warmup 200)
run() { # repo label round
  NO_BUILD=1 "$1/bench/grid.sh" "${Z[@]}" > "$OUT/zk-$2-r$3.txt" 2>&1
  NO_BUILD=1 "$1/bench/grid.sh" watch "${W[@]}" --load zk > "$OUT/watch-zk-$2-r$3.txt" 2>&1
  NO_BUILD=1 "$1/bench/grid.sh" watch "${W[@]}" --load sdk > "$OUT/watch-sdk-$2-r$3.txt" 2>&1
  NO_BUILD=1 "$1/bench/grid.sh" recipes "${R[@]}" > "$OUT/recipes-$2-r$3.txt" 2>&1
}
for r in $(seq 1 "$ROUNDS"); do
  if (( r % 2 )); then run "$PRE_REPO" pre "$r"; run "$POST_REPO" post "$r"; else run "$POST_REPO" post "$r"; run "$PRE_REPO" pre "$r"; fi
done
echo done
