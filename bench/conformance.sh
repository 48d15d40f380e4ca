#!/usr/bin/env bash
# The proxy's HTTP/1.1 conformance cases against nginx, the reference: every raw request of
# tests/Proxy.Tests/Conformance (RequestCases: CL/TE ambiguity and obfuscations, bad Content-Length, chunk sizes,
# extensions and trailers, header syntax, heads past the limits), a header named in Connection, a slowloris client and
# the malformed upstream answers of UpstreamAnswerTests, each sent the same way to nginx 1.22 (configured as
# bench/proxy.sh configures it) and to OrleansCoord.Proxy with the fast path on and off, all three in front of the same
# misbehaving upstream (tests/Proxy.Tests/Upstream/rogue.py). Writes a Markdown table; docs/PROXY-CONFORMANCE.md says
# why the proxy differs from nginx where it does. The work is the NginxComparison test (it checks the proxy's outcomes
# as the conformance tests do and only records nginx's); everything it starts is stopped when it ends.
#   bench/conformance.sh [--out DIR]     (default: bench/results/<date>-conformance; the table is DIR/conformance.md)
# Needs: nginx (apt-get install -y nginx), python3, dotnet. NO_BUILD=1 skips the Release build.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
OUT="$ROOT/bench/results/$(date -u +%F)-conformance"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
for tool in nginx python3 dotnet; do command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install -y nginx)" >&2; exit 3; }; done

cd "$ROOT"
if [[ "${NO_BUILD:-0}" != 1 ]]; then
  dotnet build tests/Proxy.Tests/Proxy.Tests.csproj -c Release -nologo -v q >&2
fi
mkdir -p "$OUT"
TABLE="$(cd "$OUT" && pwd)/conformance.md"
rm -f "$TABLE"
COORD_CONFORMANCE_TABLE="$TABLE" dotnet test --project tests/Proxy.Tests/Proxy.Tests.csproj -c Release --no-build \
  --filter-class "*NginxComparison*" >&2 || status=$?
[[ -f "$TABLE" ]] || { echo "no table written (see the test output above)" >&2; exit "${status:-1}"; }
cat "$TABLE"
exit "${status:-0}"
