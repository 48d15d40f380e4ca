#!/usr/bin/env bash
# What TLS costs, in one command (issue 22: at most 15% less with TLS on, for the ZooKeeper and the proxy benchmark).
# For R rounds, interleaved (odd rounds plain first, even rounds TLS first, so that drifting load hits both alike):
#   - the grid's ZooKeeper port: bench/grid.sh --load zk --netty (plain port) and --tls (secure port, client certificate),
#     one fresh Memory silo per run;
#   - ZooKeeper 3.8: bench/zookeeper-reference.sh --netty and --tls, one fresh server per run;
# all with ZkBench (Debian's Java client, Netty socket both ways, so that the pair differs in TLS alone; --nio adds the
# default plain runs with the NIO sockets, the published plain figures' setup). Then bench/proxy.sh --https --rounds R:
# nginx plain and https, the proxy plain and https with --fast-path off (Kestrel + YARP) and on (the fast path, TLS on
# its event loops), interleaved within each round.
# At the end it prints one table (medians over the rounds, TLS/plain per system and phase) and writes it to
# OUT/ratios.md; every run's output and JSON stays under OUT.
#   bench/tls-ab.sh [--out DIR] [--rounds 3] [--ops 20000] [--concurrency 200] [--size 1024] [--duration 10] [--warmup 5]
#                   [--zk-warmup 1000] [--nio] [--skip-zk] [--skip-proxy]
# --zk-warmup is ZkBench's --warmup (ops per phase before the measured ones, default 1000): at 1000 the Java client's
# JIT (C2) is still compiling the TLS code during the measured phases, and that counts as TLS's cost on the shared
# cores; 20000 leaves it out (bench/results/2026-12-07-session17/zktls/).
# At the defaults it takes about 8 minutes on a quiet 2-core box (ZooKeeper part ~4.5, proxy part ~3.5). Run it on a
# quiet machine: on a loaded one the rounds spread by more than the 15% it is meant to show.
# Needs what grid.sh, zookeeper-reference.sh and proxy.sh need (dotnet, java/javac, Debian's zookeeper, nginx, wrk,
# openssl, keytool, python3). NO_BUILD=1 skips the Release build.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
ROUNDS=3; OPS=20000; CONCURRENCY=200; SIZE=1024; DURATION=10; WARMUP=5; ZK_WARMUP=1000; NIO=0; ZK=1; PROXY=1
OUT="$ROOT/bench/results/tls-ab-$(date -u +%Y%m%dT%H%M%SZ)"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --ops) OPS="$2"; shift 2 ;;
    --concurrency) CONCURRENCY="$2"; shift 2 ;;
    --size) SIZE="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --zk-warmup) ZK_WARMUP="$2"; shift 2 ;;
    --nio) NIO=1; shift ;;
    --skip-zk) ZK=0; shift ;;
    --skip-proxy) PROXY=0; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"

cd "$ROOT"
if [[ "${NO_BUILD:-0}" != 1 ]]; then
  for project in Silo Proxy Cli bench/Bench.csproj; do dotnet build "$project" -c Release -nologo -v q >&2; done
fi
export NO_BUILD=1 SILO_DLL="$ROOT/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll"
ZK_OPTIONS=(--ops "$OPS" --concurrency "$CONCURRENCY" --size "$SIZE" --warmup "$ZK_WARMUP")
echo "# tls-ab: $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
  "rounds $ROUNDS, ZkBench ${ZK_OPTIONS[*]}, wrk ${DURATION} s (warm-up ${WARMUP} s), raw outputs in $OUT" | tee "$OUT/settings.txt"

failed=0
# One ZooKeeper-benchmark run: $1 = system (grid|zookeeper), $2 = mode (nio|netty|tls), $3 = round.
zk_run() {
  local system="$1" mode="$2" round="$3" dir="$OUT/r$3" flags=() rc=0
  mkdir -p "$dir"
  [[ "$mode" == nio ]] || flags=("--$mode")
  echo "# round $round: $system $mode, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  if [[ "$system" == grid ]]; then
    # grid.sh names its JSON grid-zk[-netty|-tls]-Memory.json in the round's directory.
    bench/grid.sh --storage Memory --load zk "${flags[@]}" --json-dir "$dir" "${ZK_OPTIONS[@]}" > "$dir/grid-$mode.txt" 2>&1 || rc=$?
  else
    bench/zookeeper-reference.sh "${flags[@]}" "${ZK_OPTIONS[@]}" --json-out "$dir/zookeeper-$mode.json" > "$dir/zookeeper-$mode.txt" 2>&1 || rc=$?
  fi
  if (( rc != 0 )); then echo "#   failed with $rc: see $dir/$system-$mode.txt"; failed=1; fi
}

if (( ZK )); then
  for round in $(seq 1 "$ROUNDS"); do
    modes=(netty tls); (( round % 2 == 0 )) && modes=(tls netty)
    (( NIO )) && modes=(nio "${modes[@]}")
    for system in grid zookeeper; do
      for mode in "${modes[@]}"; do zk_run "$system" "$mode" "$round"; done
    done
  done
fi

if (( PROXY )); then
  echo "# proxy: bench/proxy.sh --https --rounds $ROUNDS --duration $DURATION --warmup $WARMUP --skip-follow, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  bench/proxy.sh --https --rounds "$ROUNDS" --duration "$DURATION" --warmup "$WARMUP" --skip-follow --out "$OUT" > /dev/null 2> "$OUT/proxy-stderr.txt" \
    || { echo "#   proxy.sh failed: see $OUT/proxy-stderr.txt"; failed=1; }
fi

python3 "$HERE/tls_ab_table.py" "$OUT" | tee "$OUT/ratios.md"
exit "$failed"
