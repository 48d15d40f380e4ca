#!/usr/bin/env bash
# Session 18 (issue 16): where one set's latency goes at concurrency 1 (the grid on PostgreSQL). A throw-away build
# with probe.patch applied (made against bf0cc3c, before the pipeline files were split) (static timestamps at each step of a setData, written every 1,000 sets as medians of the
# time since the request was read, to /tmp/s18/probe.txt; never for main: it is not thread-safe beyond one request
# at a time) runs 3,000 sets one at a time. Run as root. The marks: 1 request started, 15 grid call sent, 18 grain's
# incoming filter, 2 SetData entered, 3 store call, 4 batcher took it, 5 group taken, 6 PostgreSQL answered, 7 result
# read, 8 grain resumed, 9 publish started, 19/20 proof signing begun/done, 21/22 proof check begun/done at the
# shard, 10 shard's Publish, 11 publish answered, 16 pump done, 17 writers answered, 12 reply at the port,
# 13 writer loop has it, 14 handed to the socket.
set -uo pipefail
cd "$(dirname "$0")/../../../.."
WT=${WT:-/tmp/probe}
[[ -d $WT ]] || { git worktree add -q "$WT" bf0cc3c && git -C "$WT" apply "$PWD/bench/results/2026-12-07-session18/latency-budget/probe.patch"; }
(cd "$WT" && dotnet build Silo/Silo.csproj -c Release >/dev/null)
mkdir -p /tmp/s18 && rm -f /tmp/s18/probe.txt
source bench/lib.sh
start_private_postgres "${PGPORT:-55452}" -c max_connections=200
trap stop_private_postgres EXIT
CS="Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=grid_ab"
psql -X -q -c "CREATE DATABASE grid_ab" postgres
NO_BUILD=1 SILO_DLL="$WT/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll" SILO_ARGS="--connection-string $CS" \
  bench/grid.sh --storage Postgres --load zk --ops 3000 --concurrency 1 --size 1024 --warmup 300 --phases create,set,delete
cat /tmp/s18/probe.txt
