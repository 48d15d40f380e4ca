#!/usr/bin/env bash
# Azure Table storage alone, as the grid's durable profile uses it: starts a private Azurite (the repo's pinned
# package, fresh data in a temp dir, free ports), runs `bench table` (entity-group transactions shaped like the
# tree store's: insert, merge, replace, delete of 1 KiB records, 95 per transaction, 3 in flight) and stops it.
# Its entities/s are the ceiling for `bench/grid.sh --storage AzureStorage` writes on the same machine.
#   bench/table.sh [bench table options: --entities 20000 --batch 95 --in-flight 3 --size 1024 --phases ...]
# Env: NO_BUILD=1 to skip the Release build.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$HERE/lib.sh"

cd "$ROOT"
[[ "${NO_BUILD:-0}" == 1 ]] || dotnet build bench/Bench.csproj -c Release -nologo -v q >&2
BENCH_DLL="$ROOT/bench/bin/Release/net10.0/bench.dll"
[[ -f "$BENCH_DLL" ]] || { echo "missing $BENCH_DLL" >&2; exit 3; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tablebench.XXXXXX")"
AZURITE_PID=""
trap 'stop_group "$AZURITE_PID"; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

echo "# host: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%FT%TZ)" >&2
start_azurite "$ROOT" "$WORK/azurite"
with_cpu_report "$AZURITE_PID" dotnet "$BENCH_DLL" table --connection-string "$AZURITE_CONNECTION_STRING" "$@"
