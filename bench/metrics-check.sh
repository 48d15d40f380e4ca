#!/usr/bin/env bash
# Does a Prometheus scrape of a silo tell the truth under load? Starts a silo (Memory unless --storage says otherwise)
# on free ports, scrapes its /metrics every SCRAPE_INTERVAL seconds while bench/zookeeper/ZkBench.java drives its
# ZooKeeper port, then sets, per phase, the scrape's figures beside the benchmark's own:
#   rate:  what Prometheus' rate() shows, the ok-outcome counter's increase between the first and the last scrape
#          inside the phase, over the time between them;
#   mean:  the latency histogram's sum/count increase over the phase (the scrape before it to the scrape after it).
# The scrape measures in the silo (request read to reply written), the benchmark in its client (request issued to
# callback): the client's figure includes the network and its own queues. Exits 1 when a figure is off by more than 20%.
# --reference does the same with ZooKeeper 3.8 (Debian's, forceSync=yes) and its mntr: zk_avg_latency times
# zk_packets_sent, differenced per phase (ZooKeeper also measures from request read to reply queued).
#   bench/metrics-check.sh [--storage Memory|Postgres | --reference] [ZkBench options: --ops 100000 --concurrency 200 --size 1024 --warmup 0]
# Env: SILO_DLL (default: built from Silo/), SILO_ARGS, SCRAPE_INTERVAL (default 0.5), NO_BUILD=1, KEEP=DIR (keep raw files).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$HERE/lib.sh"
PROFILE=Memory
ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --storage) PROFILE="$2"; shift 2 ;;
    --reference) PROFILE=zookeeper; shift ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
[[ " ${ARGS[*]:-} " == *" --warmup "* ]] || ARGS+=(--warmup 0)   # a warm-up would add ops of the same kinds to the scrape

cd "$ROOT"
if [[ "${NO_BUILD:-0}" != 1 && -z "${SILO_DLL:-}" ]]; then dotnet build Silo -c Release -nologo -v q >&2; fi
SILO_DLL="${SILO_DLL:-$(dotnet msbuild Silo -getProperty:TargetPath -p:Configuration=Release | tail -n 1)}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/metricscheck.XXXXXX")"
SILO_PID=""; SAMPLER_PID=""
cleanup() {
  [[ -z "$SAMPLER_PID" ]] || kill "$SAMPLER_PID" 2>/dev/null || true
  stop_group "$SILO_PID"
  if [[ -n "${KEEP:-}" ]]; then mkdir -p "$KEEP" && cp "$WORK"/*.json "$WORK"/*.jsonl "$KEEP"/ 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$WORK/classes"
javac -nowarn -Xlint:-path -implicit:none -proc:none -d "$WORK/classes" -cp /usr/share/java/zookeeper.jar "$HERE/zookeeper/ZkBench.java"

free_port SILO_PORT; free_port GATEWAY_PORT; free_port HTTP_PORT; free_port ZK_PORT
echo "# host: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%FT%TZ); storage $PROFILE" >&2
if [[ "$PROFILE" == zookeeper ]]; then
  ZK_EXTRA_CONFIG="forceSync=yes" start_zookeeper "$WORK" "$ZK_PORT" 1g ruok,mntr || exit $?
  SILO_PID=$SERVER_PID
  wait_port "$ZK_PORT" 60 "$SILO_PID" || { tail -n 40 "$WORK/server.log" >&2; exit 4; }
  SOURCE="mntr:$ZK_PORT"
else
  # shellcheck disable=SC2086
  (exec setsid dotnet "$SILO_DLL" --storage "$PROFILE" --silo-port "$SILO_PORT" --gateway-port "$GATEWAY_PORT" --http-port "$HTTP_PORT" \
    --zk-port "$ZK_PORT" --proxy-port 0 --cluster-id "metrics-$RANDOM" ${SILO_ARGS:-}) > "$WORK/silo.log" 2>&1 &
  SILO_PID=$!
  started=$SECONDS
  until curl -fsS -m 2 "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1; do
    if ! kill -0 "$SILO_PID" 2>/dev/null || (( SECONDS - started >= 180 )); then tail -n 40 "$WORK/silo.log" >&2; exit 4; fi
    sleep 0.5
  done
  SOURCE="http://127.0.0.1:$HTTP_PORT/metrics"
fi

# The sampler: one JSON line per scrape with its time and the ZooKeeper port's figures by operation.
python3 - "$SOURCE" "${SCRAPE_INTERVAL:-0.5}" > "$WORK/scrapes.jsonl" <<'PY' &
import json, re, socket, sys, time, urllib.request
url, interval = sys.argv[1], float(sys.argv[2])
sample = re.compile(r'^(coord_requests_total|coord_request_duration_seconds_sum|coord_request_duration_seconds_count)\{([^}]*)\} (\S+)')
def mntr(port):
    with socket.create_connection(("127.0.0.1", int(port)), timeout=5) as s:
        s.sendall(b"mntr"); s.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := s.recv(65536): data += chunk
    return dict(line.split("\t", 1) for line in data.decode().splitlines() if "\t" in line)
while True:
    began = time.time()
    try:
        if url.startswith("mntr:"):
            m = mntr(url[5:])
            sent = float(m["zk_packets_sent"])
            print(json.dumps({"at": (began + time.time()) / 2, "mntr": {"sent": sent, "latency_sum_ms": float(m["zk_avg_latency"]) * sent}}), flush=True)
            time.sleep(max(0, interval - (time.time() - began))); continue
        text = urllib.request.urlopen(url, timeout=5).read().decode()
    except Exception:
        time.sleep(interval); continue
    at = (began + time.time()) / 2
    figures = {}
    for line in text.splitlines():
        m = sample.match(line)
        if not m or 'front_end="zookeeper"' not in m.group(2): continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
        if m.group(1) == 'coord_requests_total' and labels.get('outcome') != 'ok': continue
        key = m.group(1).replace('coord_request', '') + ':' + labels['operation']
        figures[key] = figures.get(key, 0) + float(m.group(3))
    print(json.dumps({"at": at, "figures": figures}), flush=True)
    time.sleep(max(0, interval - (time.time() - began)))
PY
SAMPLER_PID=$!
sleep 2

rc=0
java -Xmx1g -cp "$WORK/classes:/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-nop.jar" ZkBench --server "127.0.0.1:$ZK_PORT" \
  --json-out "$WORK/bench.json" "${ARGS[@]}" || rc=$?
sleep 2
kill "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""
[[ $rc -eq 0 ]] || { echo "# ZkBench exited with $rc" >&2; exit "$rc"; }

python3 - "$WORK/bench.json" "$WORK/scrapes.jsonl" <<'PY'
import json, sys
bench = json.load(open(sys.argv[1]))
scrapes = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
ops = {"create": "create", "set": "setData", "get": "getData", "exists": "exists", "delete": "delete"}
def fig(s, key):
    if "mntr" in s:   # ZooKeeper: every reply of the run is of the phase's kind (one phase at a time, pings aside)
        return s["mntr"]["sent"] if key.startswith(("s_total:", "_duration_seconds_count:")) else s["mntr"]["latency_sum_ms"] / 1000
    return s["figures"].get(key, 0.0)
print("phase      bench ops/s  scrape ops/s  ratio   bench mean ms  scrape mean ms  ratio   scrapes in phase")
worst = 0.0
for p in bench["phases"]:
    op = ops[p["phase"]]
    start, end = p["startedAtMs"] / 1000, p["endedAtMs"] / 1000
    inside = [s for s in scrapes if start < s["at"] < end]
    before = [s for s in scrapes if s["at"] <= start][-1]
    after = [s for s in scrapes if s["at"] >= end][0]
    if len(inside) >= 2:
        a, b = inside[0], inside[-1]
        rate = (fig(b, "s_total:" + op) - fig(a, "s_total:" + op)) / (b["at"] - a["at"])
    else:
        rate = float("nan")
    count = fig(after, "_duration_seconds_count:" + op) - fig(before, "_duration_seconds_count:" + op)
    mean = 1000 * (fig(after, "_duration_seconds_sum:" + op) - fig(before, "_duration_seconds_sum:" + op)) / count if count else float("nan")
    r_rate, r_mean = rate / p["opsPerSecond"], mean / p["meanMs"]
    worst = max(worst, abs(r_rate - 1), abs(r_mean - 1))
    print(f'{p["phase"]:<8} {p["opsPerSecond"]:>12.0f} {rate:>13.0f} {r_rate:>6.2f}x {p["meanMs"]:>14.2f} {mean:>15.2f} {r_mean:>6.2f}x {len(inside):>8}')
print(f"# largest difference {worst:.0%} (bar: 20%)")
sys.exit(0 if worst <= 0.20 else 1)
PY
