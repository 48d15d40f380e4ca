#!/usr/bin/env bash
# Issue 16, session 15: what limits set and delete on PostgreSQL. A private PostgreSQL 15 (fsync on, synchronous
# commit, pg_stat_statements loaded), a fresh database per run; profile.py runs one silo per run and ZkBench with
# --pause-ms 4000 (20,000 x 1 KiB, 200 outstanding, create,set,delete or PROFILE_PHASES) and takes the counters between phases.
#   bench/results/2026-12-07-session15/profile.sh OUTDIR LABEL=SILO_DLL [LABEL=SILO_DLL ...]   (PERF=1: perf record the silo)
# LABEL=zookeeper runs the same against ZooKeeper 3.8 (forceSync=yes, 1 GiB heap, as bench/zookeeper-reference.sh).
# Runs as root (the private PostgreSQL runs as the postgres user).
set -uo pipefail
cd "$(dirname "$0")/../../.."
OUT="$1"; shift
source bench/lib.sh
start_private_postgres "${PGPORT:-55437}" -c max_connections=200 -c shared_preload_libraries=pg_stat_statements -c track_io_timing=on
trap stop_private_postgres EXIT
export PG_DATA_DIR
ZK_CLASSES=$(mktemp -d /tmp/zkprof.XXXXXX); export ZK_CLASSES
javac -nowarn -Xlint:-path -implicit:none -proc:none -d "$ZK_CLASSES" -cp /usr/share/java/zookeeper.jar bench/zookeeper/ZkBench.java
n=0
for spec in "$@"; do
  label=${spec%%=*}; dll=${spec#*=}; n=$((n + 1))
  if [[ "$dll" == zookeeper ]]; then
    free_port ZK_PORT; ZK_DIR=$(mktemp -d /tmp/zkprof-data.XXXXXX)
    ZK_EXTRA_CONFIG="forceSync=yes" start_zookeeper "$ZK_DIR" "$ZK_PORT" 1g ruok,srvr
    for _ in $(seq 1 120); do four_letter "$ZK_PORT" srvr | grep -q "^Mode:" && break; sleep 0.5; done
    echo "# $(date -u +%FT%TZ) run $n: $label, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    ZK_PORT=$ZK_PORT ZK_PID=$SERVER_PID python3 bench/results/2026-12-07-session15/profile.py zookeeper "$OUT/$n-$label" - -
    stop_group "$SERVER_PID"; rm -rf "$ZK_DIR"
    continue
  fi
  psql -X -q -c "DROP DATABASE IF EXISTS grid_prof" -c "CREATE DATABASE grid_prof" postgres
  psql -X -q -d grid_prof -c "CREATE EXTENSION pg_stat_statements"
  echo "# $(date -u +%FT%TZ) run $n: $label ($dll), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 bench/results/2026-12-07-session15/profile.py "$dll" "$OUT/$n-$label" \
    "Host=$PGHOST;Port=$PGPORT;Username=postgres;Database=grid_prof" grid_prof ${PERF:+--perf}
done
rm -rf "$ZK_CLASSES"
