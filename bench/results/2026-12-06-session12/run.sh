#!/usr/bin/env bash
# Session 12 quiet run: `coord get` start to answer (the self-contained composite tool, beside zkCli.sh and the JIT
# build); what TLS costs (issue 22: the ZooKeeper port and ZooKeeper 3.8 with TLS vs plain, the proxy's HTTPS port vs
# plain beside nginx's); watch latency with 1,000 watchers (SDK and ZooKeeper port) beside ZooKeeper 3.8 (issue 20);
# the ZooKeeper benchmark's write phases against the build before pushed watch delivery (issue 20: at most 5% less).
# Needs: `Cli/install.sh` run on this commit; BASE014_DLL built from 2d62a4a^1 (main before ADR 014).
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT=bench/results/2026-12-06-session12
BASE014_DLL=${BASE014_DLL:-/tmp/base014/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll}
Z=(--ops 20000 --concurrency 200 --size 1024)
NO_BUILD=1 bench/cli.sh --runs 10 --coord "$HOME/.dotnet/tools/coord" --coord "dotnet $PWD/Cli/bin/Release/net10.0/coord.dll" > "$OUT/cli.txt" 2>&1
for r in 1 2; do
  NO_BUILD=1 SILO_DLL=$BASE014_DLL bench/grid.sh --storage Memory --load zk "${Z[@]}" --phases create,set,delete > "$OUT/zk-writes-before014-$r.txt" 2>&1
  NO_BUILD=1 bench/grid.sh --storage Memory --load zk "${Z[@]}" --phases create,set,delete > "$OUT/zk-writes-now-$r.txt" 2>&1
done
bench/zookeeper-reference.sh watch --watchers 1,1000 --sets 1000 --warmup 100 > "$OUT/watch-zk-ref.txt" 2>&1
NO_BUILD=1 bench/grid.sh watch --storage Memory --watchers 1,1000 --sets 1000 --warmup 100 > "$OUT/watch-grid-sdk.txt" 2>&1
NO_BUILD=1 bench/grid.sh watch --storage Memory --load zk --watchers 1,1000 --sets 1000 --warmup 100 > "$OUT/watch-grid-zk.txt" 2>&1
NO_BUILD=1 bench/tls-ab.sh --rounds 2 --out "$OUT/tls-ab" > "$OUT/tls-ab.txt" 2>&1
echo done
