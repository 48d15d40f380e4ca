#!/usr/bin/env bash
# Session 16 (issue 16, lockpg): where one SDK lock acquire + release goes on PostgreSQL (durable). For each
# LABEL=SILO_DIR:BENCH_DIR, a fresh database, one silo, `bench recipes --phases lock-free` at each concurrency in
# $CONCURRENCY (default "1 8"), and around each run: the silo's /metrics (store commit duration, group sizes) and
# pg_stat_statements (calls, time per statement). Rounds ($ROUNDS, default 1) interleave the builds.
#   measure.sh OUTDIR LABEL=SILO_DIR:BENCH_DIR [...]      Run as root (the private PostgreSQL runs as postgres).
set -uo pipefail
cd "$(dirname "$0")/../../../.."
OUT="$1"; shift
mkdir -p "$OUT"
ROUNDS=${ROUNDS:-1}; CONCURRENCY=${CONCURRENCY:-"1 8"}; OPS=${OPS:-2000}
source bench/lib.sh
start_private_postgres "${PGPORT:-55461}" -c max_connections=200 -c shared_preload_libraries=pg_stat_statements
trap 'stop_group "${SILO_PID:-}"; stop_private_postgres' EXIT
CS="Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=lockpg"
metrics() { curl -fsS -m 5 "http://127.0.0.1:$HTTP_PORT/metrics" | grep -E '^coord_store_commit_(duration_seconds|batch_size)_(sum|count)|^coord_store_commit_duration_seconds_bucket' | grep Postgres; }
proc_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); split($0, f, " "); printf "%.2f", (f[12] + f[13]) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_cpu() { local master t=0 p; master=$(head -n 1 "$PG_DATA_DIR/data/postmaster.pid"); for p in $master $(pgrep -P "$master"); do t=$(awk -v a="$t" -v b="$(proc_cpu "$p")" 'BEGIN { print a + b }'); done; echo "$t"; }
statements() { psql -X -q -A -t -d lockpg -c "SELECT calls, round(total_exec_time::numeric,1), round((total_exec_time/calls)::numeric,4), rows, regexp_replace(left(query, 90), '\s+', ' ', 'g') FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'lockpg') AND calls > 50 ORDER BY total_exec_time DESC LIMIT 12"; }
for r in $(seq 1 "$ROUNDS"); do
  for spec in "$@"; do
    label=${spec%%=*}; dirs=${spec#*=}; silo_dir=${dirs%%:*}; bench_dir=${dirs#*:}
    psql -X -q -c "DROP DATABASE IF EXISTS lockpg" -c "CREATE DATABASE lockpg" postgres
    psql -X -q -d lockpg -c "CREATE EXTENSION pg_stat_statements"
    for attempt in 1 2 3; do  # fresh ports when another process took one meanwhile (a shared machine)
      free_port SILO_PORT; free_port GATEWAY_PORT; free_port HTTP_PORT; free_port ZK_PORT
      CLUSTER_ID="lockpg-$RANDOM"
      setsid dotnet "$silo_dir/OrleansCoord.Silo.dll" --storage Postgres --connection-string "$CS" --silo-port "$SILO_PORT" \
        --gateway-port "$GATEWAY_PORT" --http-port "$HTTP_PORT" --zk-port "$ZK_PORT" --proxy-port 0 --cluster-id "$CLUSTER_ID" > "$OUT/silo-$label-r$r.log" 2>&1 &
      SILO_PID=$!
      for _ in $(seq 1 240); do
        curl -fsS -m 2 "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1 && break 2
        kill -0 "$SILO_PID" 2>/dev/null || break
        sleep 0.5
      done
      stop_group "$SILO_PID"; SILO_PID=""
    done
    [[ -n "$SILO_PID" ]] || { echo "silo $label round $r did not start" >&2; continue; }
    for c in $CONCURRENCY; do
      f="$OUT/$label-r$r-c$c.txt"
      echo "# $(date -u +%FT%TZ) $label round $r concurrency $c, load average $(cut -d' ' -f1-3 /proc/loadavg)" > "$f"
      # warm-up run (statements prepared, grains active), then reset the counters and measure
      dotnet "$bench_dir/bench.dll" recipes --server "127.0.0.1:$GATEWAY_PORT" --cluster-id "$CLUSTER_ID" --phases lock-free --ops 300 --concurrency "$c" --warmup 100 >/dev/null 2>&1
      psql -X -q -A -t -d lockpg -c "SELECT pg_stat_statements_reset()" >/dev/null
      echo "## metrics before" >> "$f"; metrics >> "$f"
      silo_before=$(proc_cpu "$SILO_PID"); pg_before=$(pg_cpu)
      TIMEFORMAT="# bench process CPU: user %U s, system %S s, wall %R s"
      { time dotnet "$bench_dir/bench.dll" recipes --server "127.0.0.1:$GATEWAY_PORT" --cluster-id "$CLUSTER_ID" --phases lock-free --ops "$OPS" --concurrency "$c" --warmup 100 >> "$f" 2>&1; } 2>> "$f"
      echo "# silo CPU $(awk -v a="$silo_before" -v b="$(proc_cpu "$SILO_PID")" 'BEGIN { printf "%.2f", b - a }') s, PostgreSQL CPU $(awk -v a="$pg_before" -v b="$(pg_cpu)" 'BEGIN { printf "%.2f", b - a }') s (backends alive now), load average $(cut -d' ' -f1-3 /proc/loadavg)" >> "$f"
      echo "## metrics after" >> "$f"; metrics >> "$f"
      echo "## pg_stat_statements (calls, total ms, ms per call, rows, query)" >> "$f"; statements >> "$f"
    done
    stop_group "$SILO_PID"; SILO_PID=""
  done
done
echo done
