#!/usr/bin/env bash
# A/B of issue 20 beside ZooKeeper 3.8, one run each, in this order.
set -u
OUT=/work/wt-watch-push/bench/results/2026-12-06-watch-push
NEW=/work/wt-watch-push
BASE=/tmp/watch-base
W="--watchers 1,1000 --sets 1000 --warmup 100"
run() { local name="$1"; shift; echo "=== $name: $* ($(date -u +%T))"; "$@" > "$OUT/$name.txt" 2>&1; echo "rc=$?" >> "$OUT/$name.txt"; }
export NO_BUILD=1
run zookeeper-watch "$NEW/bench/zookeeper-reference.sh" watch $W
run base-watch-sdk "$BASE/bench/grid.sh" watch --storage Memory $W
run new-watch-sdk "$NEW/bench/grid.sh" watch --storage Memory $W
run base-watch-zk "$BASE/bench/grid.sh" watch --storage Memory --load zk $W
run new-watch-zk "$NEW/bench/grid.sh" watch --storage Memory --load zk $W
EXPERIMENT_POLL_MS=1 run base-poll1ms-watch-sdk "$BASE/bench/grid.sh" watch --storage Memory --watchers 1 --sets 1000 --warmup 100
EXPERIMENT_POLL_MS=1 run base-poll1ms-watch-zk "$BASE/bench/grid.sh" watch --storage Memory --load zk --watchers 1 --sets 1000 --warmup 100
run base-idle "$BASE/bench/idle.sh" --settle 20 --window 30
EXPERIMENT_POLL_MS=1 run base-poll1ms-idle "$BASE/bench/idle.sh" --settle 20 --window 30
run new-idle "$NEW/bench/idle.sh" --settle 20 --window 30
run base-writes-zk "$BASE/bench/grid.sh" --storage Memory --load zk
run new-writes-zk "$NEW/bench/grid.sh" --storage Memory --load zk
run zookeeper-writes "$NEW/bench/zookeeper-reference.sh"
echo "=== done $(date -u +%T)"
