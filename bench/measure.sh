#!/usr/bin/env bash
# The whole measurement of docs/BENCHMARKS.md in one command: RUNS rounds, each round the ZooKeeper 3.8
# reference and then the grid with the Memory and the AzureStorage (Azurite) profile, interleaved so that
# drifting machine load hits all three alike. JSON results go to OUT; the medians and the ratios
# grid/ZooKeeper are printed as Markdown at the end.
#   bench/measure.sh [--ops 20000 --concurrency 200 --size 1024 ...]   (options go to both load generators)
#   bench/measure.sh recipes [--ops 2000 --concurrency 8 ...]   (the recipes: `bench recipes` and kazoo_recipes.py)
# Env: RUNS (default 3), OUT (default bench/results/<UTC timestamp>), PROFILES (default "Memory AzureStorage").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-3}"
OUT="${OUT:-$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}"
PROFILES="${PROFILES:-Memory AzureStorage}"
WORKLOAD=(); GRID_JSON=grid
if [[ "${1:-}" == recipes ]]; then WORKLOAD=(recipes); GRID_JSON=recipes; shift; fi
mkdir -p "$OUT"
cd "$ROOT"

dotnet build bench/Bench.csproj -c Release -nologo -v q >&2
[[ -n "${SILO_DLL:-}" ]] || dotnet build Silo -c Release -nologo -v q >&2
{
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "dotnet: $(dotnet --version); java: $(java -version 2>&1 | head -n 1)"
  echo "silo: ${SILO_DLL:-Silo/ of this repo}"
  echo "args: ${WORKLOAD[*]} $*"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt" >&2

failed=0
for run in $(seq 1 "$RUNS"); do
  echo "# round $run/$RUNS: ZooKeeper" >&2
  bench/zookeeper-reference.sh "${WORKLOAD[@]}" --json-out "$OUT/zookeeper-$run.json" "$@" 2>&1 | tee "$OUT/zookeeper-$run.txt" || failed=1
  for profile in $PROFILES; do
    echo "# round $run/$RUNS: grid $profile" >&2
    NO_BUILD=1 bench/grid.sh "${WORKLOAD[@]}" --storage "$profile" --json-dir "$OUT/run-$run" "$@" 2>&1 | tee "$OUT/grid-$profile-$run.txt" || failed=1
  done
done

BENCH=(dotnet bench/bin/Release/net10.0/bench.dll)
{
  echo "### ZooKeeper 3.8"; echo; "${BENCH[@]}" summary "$OUT"/zookeeper-*.json
  for profile in $PROFILES; do
    grids=("$OUT"/run-*/"$GRID_JSON-$profile.json")
    [[ -f "${grids[0]}" ]] || continue
    echo; echo "### grid ($profile)"; echo; "${BENCH[@]}" summary "${grids[@]}"
  done
} | tee "$OUT/summary.md"
for profile in $PROFILES; do
  grids=("$OUT"/run-*/"$GRID_JSON-$profile.json")
  [[ -f "${grids[0]}" ]] || { echo "no grid $profile results" >&2; continue; }
  echo; echo "### grid ($profile) / ZooKeeper"; echo
  "${BENCH[@]}" compare --grid "${grids[@]}" --reference "$OUT"/zookeeper-*.json
done | tee "$OUT/compare.md"
exit "$failed"
