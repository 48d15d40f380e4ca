#!/usr/bin/env bash
# Session 18 (issue 16): one conditional update (the grid's single-write statement, with and without its advisory
# lock) through Npgsql 10 at concurrency 1 against pgbench's own client doing the same update, on one private
# PostgreSQL 15 (fsync, synchronous commit), alternating. Shows what the client library and .NET's async socket
# path add to a commit's round trip. Run as root. Modes of the harness: async / sync (lock + update batch, as
# PostgresSingleWrite), upd-async / upd-sync (the update alone).
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
cd "$HERE/../../../.."
source bench/lib.sh
(cd "$HERE" && dotnet build npg.csproj -c Release -o /tmp/npg-harness >/dev/null) || exit 3
start_private_postgres "${PGPORT:-55453}"
trap stop_private_postgres EXIT
psql -X -q postgres <<'SQL'
CREATE TABLE t (key text COLLATE "C" PRIMARY KEY, value bytea NOT NULL, version bigint NOT NULL);
CREATE SEQUENCE t_version;
INSERT INTO t SELECT 'k'||i, decode(repeat('ab',1024),'hex'), nextval('t_version') FROM generate_series(1,20000) i;
SQL
CS="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"
for k in 1 2 3; do
  echo "pgbench update (prepared): $(pgbench -n -M prepared -c 1 -T 3 -f "$HERE/upd.sql" postgres 2>&1 | grep 'latency average')"
  echo "pgbench BEGIN/lock/update/COMMIT (prepared): $(pgbench -n -M prepared -c 1 -T 3 -f "$HERE/set.sql" postgres 2>&1 | grep 'latency average')"
  for m in async sync upd-async upd-sync; do dotnet /tmp/npg-harness/npg.dll "$CS" $m 4000; done
done
