#!/usr/bin/env bash
# Session 11 quiet run: recipes on PostgreSQL (the SDK's native recipes, before and after grouped queue puts; kazoo's
# recipes against the grid's ZooKeeper port = the wire lock recipe) beside kazoo's on ZooKeeper 3.8 (forceSync);
# the ZooKeeper port's phases on PostgreSQL with one and with four group commits in flight (an experiment, not landed),
# watch latency on AzureStorage; the proxy beside nginx and the build before this session. Needs the builds named below (BASE: main before this session; GIF: the experiment).
set -uo pipefail
cd /work/main
OUT=bench/results/2026-12-06-session11
BASE_DLL=/work/wt-exp-base/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll
GIF_DLL=/work/wt-exp-gif/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll
R=(--ops 2000 --concurrency 8 --size 64 --warmup 200)
Z=(--ops 20000 --concurrency 200 --size 1024)
for r in 1 2; do
  bench/zookeeper-reference.sh recipes "${R[@]}" > "$OUT/recipes-zk-ref-$r.txt" 2>&1
  NO_BUILD=1 bench/grid.sh recipes --storage Postgres "${R[@]}" > "$OUT/recipes-sdk-Postgres-$r.txt" 2>&1
  NO_BUILD=1 SILO_DLL=$BASE_DLL bench/grid.sh recipes --storage Postgres --phases queue-put,queue-take,counter-add "${R[@]}" > "$OUT/recipes-sdk-Postgres-before-$r.txt" 2>&1
  NO_BUILD=1 bench/grid.sh recipes --load zk --storage Postgres "${R[@]}" > "$OUT/recipes-wire-Postgres-$r.txt" 2>&1
done
for r in 1; do
  bench/zookeeper-reference.sh "${Z[@]}" > "$OUT/zk-ref-$r.txt" 2>&1
  NO_BUILD=1 bench/grid.sh --storage Postgres --load zk "${Z[@]}" > "$OUT/zk-grid-Postgres-$r.txt" 2>&1
  NO_BUILD=1 SILO_DLL=$GIF_DLL COORD_PG_GROUPS_IN_FLIGHT=4 bench/grid.sh --storage Postgres --load zk "${Z[@]}" > "$OUT/zk-grid-Postgres-gif4-$r.txt" 2>&1
  NO_BUILD=1 SILO_DLL=$GIF_DLL COORD_PG_GROUPS_IN_FLIGHT=4 bench/grid.sh recipes --storage Postgres --phases lock-free,counter-add "${R[@]}" > "$OUT/recipes-sdk-Postgres-gif4-$r.txt" 2>&1
done
# The proxy after the fast path moved to its own project and its own in-flight counters, beside nginx and the build before.
NO_BUILD=1 B_DLL=/work/wt-exp-base/Proxy/bin/Release/net10.0/OrleansCoord.Proxy.dll bench/proxy.sh --rounds 3 --duration 10 --skip-off > "$OUT/proxy.txt" 2>&1
NO_BUILD=1 bench/grid.sh watch --storage AzureStorage --load zk --watchers 1 --sets 1000 --warmup 100 > "$OUT/watch-grid-AzureStorage.txt" 2>&1
echo done
