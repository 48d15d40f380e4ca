#!/usr/bin/env bash
# The gateway's TLS (--grid-tls, a client certificate required) against the same silo build plain, quiet, 3 interleaved
# rounds; one Memory silo, the SDK load generator (`bench grid`). TLS material from bench/lib.sh make_tls_material in $T.
set -uo pipefail
cd "$(dirname "$0")/../../../.."
OUT=bench/results/2026-12-06-session12/gateway-tls
T=${T:-/tmp/gwtls}
Z=(--ops 20000 --concurrency 200 --size 1024)
for r in 1 2 3; do
  NO_BUILD=1 bench/grid.sh --storage Memory "${Z[@]}" > "$OUT/plain-$r.txt" 2>&1
  NO_BUILD=1 SILO_ARGS="--grid-tls --tls-certificate $T/server.pem --tls-key $T/server.key --tls-ca $T/ca.pem --require-client-certificate" \
    bench/grid.sh --storage Memory "${Z[@]}" --ca "$T/ca.pem" --certificate "$T/client.pem" --key "$T/client.key" > "$OUT/tls-$r.txt" 2>&1
done
echo done
