#!/usr/bin/env bash
# kazoo's own test suite against one external server: a silo (its ZooKeeper port) or Debian's ZooKeeper 3.8.
#   run-suite.sh grid [pytest args...]         (a silo on the Memory profile)
#   run-suite.sh zookeeper [pytest args...]
# (pytest args may name tests, e.g. kazoo/tests/test_queue.py::KazooLockingQueueTests; then only those run)
# Starts the server on free loopback ports, runs kazoo's tests with pytest (Debian's python3-pytest, python3-mock, and
# python3-objgraph for a checkout's test_cache; run by /usr/bin/python3), prints pytest's summary line and stops the
# server, whatever happens. The counts of both servers are in docs/ZOOKEEPER-COMPATIBILITY.md.
# The tests come from KAZOO_TREE, a checkout of python-zk/kazoo whose own kazoo package is put first on PYTHONPATH
# (e.g. git -C /work/.mirror/python-zk+kazoo/repo archive HEAD | tar -x -C DIR); without it, the suite Debian's
# python3-kazoo 2.8 ships (/usr/lib/python3/dist-packages/kazoo/tests) with that kazoo.
# zk_external.py makes kazoo's harness use the running server instead of starting a cluster of its own;
# set-aside.txt lists the tests deselected (servers stopped, quorum, SASL, TLS, reconfig).
# Env: SILO_DLL (default Silo/bin/Release/net10.0/OrleansCoord.Silo.dll, built if missing), SUITE_TIMEOUT seconds
#      (default 1800), JUNIT_XML file for pytest's junit report, KEEP_LOG=1 to keep the server's log,
#      GRID_STORAGE=Postgres for the silo on PostgreSQL (one the script starts from Debian's postgresql binaries:
#      initdb in its temp folder, a free loopback port, as the postgres user when root; stopped with the silo).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../../.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
PY=/usr/bin/python3

TARGET="${1:-}"; shift || true
[[ "$TARGET" == grid || "$TARGET" == zookeeper ]] || { sed -n 2,15p "${BASH_SOURCE[0]}" >&2; exit 2; }
STORAGE="${GRID_STORAGE:-Memory}"
[[ "$STORAGE" == Memory || "$STORAGE" == Postgres ]] || { echo "GRID_STORAGE must be Memory or Postgres" >&2; exit 2; }

$PY -c 'import pytest, mock' 2>/dev/null || { echo "pytest/mock missing: apt-get install -y python3-pytest python3-mock" >&2; exit 3; }
if [[ -n "${KAZOO_TREE:-}" ]]; then
  TREE="$(cd "$KAZOO_TREE" && pwd)"; [[ -d "$TREE/kazoo/tests" ]] || { echo "no kazoo/tests under $TREE" >&2; exit 3; }
  PYPATH="$HERE:$TREE"
else
  $PY -c 'import kazoo' 2>/dev/null || { echo "kazoo missing: apt-get install -y python3-kazoo" >&2; exit 3; }
  TREE=/usr/lib/python3/dist-packages; PYPATH="$HERE"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/kazoo-suite.XXXXXX")"
SERVER_PID=""
PG_PID=""
stop_postgres() {
  [[ -n "$PG_PID" ]] || return 0
  kill -INT "$PG_PID" 2>/dev/null || true   # fast shutdown
  for _ in $(seq 1 150); do kill -0 "$PG_PID" 2>/dev/null || break; sleep 0.2; done
  stop_group "$PG_PID"; PG_PID=""
}
cleanup() { stop_group "$SERVER_PID"; stop_postgres; if [[ "${KEEP_LOG:-0}" == 1 ]]; then echo "# server log: $WORK/server.log" >&2; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# A PostgreSQL of the run's own for GRID_STORAGE=Postgres; sets PG_CONNECTION.
start_postgres() {
  local bin as=()
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [[ -x "$bin/postgres" ]] || { echo "PostgreSQL missing: apt-get install -y postgresql" >&2; exit 3; }
  mkdir -p "$WORK/pg"
  if [[ "$(id -u)" == 0 ]]; then
    # initdb and postgres refuse root.
    as=(setpriv --reuid=postgres --regid=postgres --init-groups --); chmod 755 "$WORK"; chown postgres:postgres "$WORK/pg"
  fi
  "${as[@]}" "$bin/initdb" -D "$WORK/pg/data" -U postgres -A trust -E UTF8 --no-sync > "$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log" >&2; exit 4; }
  free_port PG_PORT
  (exec setsid "${as[@]}" "$bin/postgres" -D "$WORK/pg/data" -p "$PG_PORT" -k "$WORK/pg" -c listen_addresses=127.0.0.1) \
    > "$WORK/postgres.log" 2>&1 &
  PG_PID=$!
  for _ in $(seq 1 240); do
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
    kill -0 "$PG_PID" 2>/dev/null || { tail -n 20 "$WORK/postgres.log" >&2; exit 4; }
    sleep 0.5
  done
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" || { echo "PostgreSQL did not come up" >&2; exit 4; }
  PG_CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
  echo "# PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (fsync and synchronous_commit on)" >&2
}
[[ "$TARGET" != grid || "$STORAGE" != Postgres ]] || start_postgres

start_server() {
  free_port PORT
  if [[ "$TARGET" == zookeeper ]]; then
    # What kazoo's harness configures for 3.5+ (4lw all, its superuser "super:test"), standalone.
    start_zookeeper "$WORK" "$PORT" 512m '*' -Dzookeeper.DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU= || exit $?
  else
    SILO_DLL="${SILO_DLL:-$ROOT/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll}"
    [[ -f "$SILO_DLL" ]] || (cd "$ROOT" && dotnet build Silo -c Release -nologo -v q >&2)
    STORAGE_ARGS=(--storage "$STORAGE")
    [[ "$STORAGE" != Postgres ]] || STORAGE_ARGS+=(--connection-string "$PG_CONNECTION")
    free_port SILO_PORT; free_port GATEWAY_PORT; free_port HTTP_PORT
    (cd "$ROOT" && exec setsid dotnet "$SILO_DLL" "${STORAGE_ARGS[@]}" --silo-port "$SILO_PORT" --gateway-port "$GATEWAY_PORT" \
      --http-port "$HTTP_PORT" --zk-port "$PORT" --proxy-port 0 --dashboard off --cluster-id "kazoo-suite-$RANDOM$RANDOM" \
      --4lw-whitelist '*' --super-digest super:D/InIHSb7yEEbrWz8b9l71RjZJU=) > "$WORK/server.log" 2>&1 &
    SERVER_PID=$!
  fi
}

# Ready when it answers ruok and srvr reports a mode; a server that exits first (a port taken meanwhile by another
# process) is started again on other ports, three times at most.
for attempt in 1 2 3; do
  start_server
  for i in $(seq 1 360); do
    if [[ "$(four_letter "$PORT" ruok)" == "imok" ]] && four_letter "$PORT" srvr | grep -q "^Mode:"; then break 2; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null || [[ $i -eq 360 ]]; then break; fi
    sleep 0.5
  done
  echo "# $TARGET did not come up (attempt $attempt); its log:" >&2; tail -n 20 "$WORK/server.log" >&2
  stop_group "$SERVER_PID"; SERVER_PID=""
  [[ $attempt -lt 3 ]] || exit 4
done
[[ "$TARGET" == grid ]] || STORAGE=""
echo "# $TARGET${STORAGE:+ ($STORAGE)} on 127.0.0.1:$PORT: $(four_letter "$PORT" srvr | grep -i version)" >&2

DESELECT=(); NAMES=()
while read -r id _; do
  case "$id" in
    ""|\#*) ;;
    name:*) NAMES+=("${id#name:}") ;;
    *) DESELECT+=(--deselect "$id") ;;
  esac
done < "$HERE/set-aside.txt"
if [[ ${#NAMES[@]} -gt 0 ]]; then
  expr="${NAMES[*]}"; DESELECT+=(-k "not (${expr// / or })")
fi

# Test ids or files among the arguments (kazoo/tests/...) replace the whole suite.
TESTS=(kazoo/tests)
for arg in "$@"; do [[ "$arg" != kazoo/* ]] || TESTS=(); done

status=0
(cd "$TREE" && KAZOO_TEST_SERVERS="127.0.0.1:$PORT" ZOOKEEPER_VERSION=3.8.0 PYTHONPATH="$PYPATH" PYTHONDONTWRITEBYTECODE=1 \
  timeout --kill-after=10 "${SUITE_TIMEOUT:-1800}" $PY -m pytest -p zk_external -p no:cacheprovider -q -rf \
  ${JUNIT_XML:+--junitxml "$JUNIT_XML"} "${DESELECT[@]}" "$@" "${TESTS[@]}") || status=$?
exit "$status"
