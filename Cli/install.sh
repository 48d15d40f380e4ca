#!/usr/bin/env bash
# Installs `coord` from this repo as a .NET global tool, compiled ahead of time for this machine so that it starts fast;
# run it again to update after a pull. The tool lands in ~/.dotnet/tools (on PATH after the SDK's first-run setup;
# otherwise: export PATH="$PATH:$HOME/.dotnet/tools").
# Self-contained with one composite ReadyToRun image of the tool and the .NET runtime (a RID-specific tool, .NET 10):
# generic code that crosses assemblies (Orleans' codecs over our types, async machinery) is then precompiled too, so a
# command JIT-compiles ~600 methods instead of ~2,250 and uses ~0.4 s of CPU instead of ~0.65 s (docs/BENCHMARKS.md,
# "The CLI from start to answer"). The price: ~180 MB on disk and a few minutes to compile.
#   Cli/install.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RID="$(dotnet --info | awk '$1 == "RID:" { print $2; exit }')"
OUT="$ROOT/.data/coord-tool"
rm -rf "$OUT"
dotnet pack "$ROOT/Cli" -c Release -r "$RID" -p:SelfContained=true -p:PublishReadyToRun=true \
  -p:PublishReadyToRunComposite=true -o "$OUT" -nologo -v q
dotnet tool uninstall --global OrleansCoord.Cli >/dev/null 2>&1 || true
dotnet tool install --global --add-source "$OUT" OrleansCoord.Cli
