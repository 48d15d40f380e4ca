#!/usr/bin/env bash
# Installs `coord` from this repo as a .NET global tool, compiled ahead of time (ReadyToRun) for this machine so that
# it starts fast; run it again to update after a pull. The tool lands in ~/.dotnet/tools (on PATH after the SDK's
# first-run setup; otherwise: export PATH="$PATH:$HOME/.dotnet/tools").
#   Cli/install.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RID="$(dotnet --info | awk '$1 == "RID:" { print $2; exit }')"
OUT="$ROOT/.data/coord-tool"
rm -rf "$OUT"
dotnet pack "$ROOT/Cli" -c Release -r "$RID" -p:PublishReadyToRun=true -o "$OUT" -nologo -v q
dotnet tool uninstall --global OrleansCoord.Cli >/dev/null 2>&1 || true
dotnet tool install --global --add-source "$OUT" OrleansCoord.Cli
