#!/usr/bin/env bash
# The proxy next to nginx, same workload, same run: two upstreams (one nginx serving a 2-byte answer on two
# ports, one worker), then `wrk -t2 -c64` through (a) nginx 1.22 as reverse proxy (upstream keepalive 64),
# (b) OrleansCoord.Proxy with `--fast-path off` (every request through Kestrel + YARP) and (c) the same proxy with
# `--fast-path on` (plain HTTP/1.1 requests served at the connection level, docs/adr/011-proxy.md), both Release,
# server GC, inline socket I/O, following a one-silo Memory grid. Rounds are interleaved so that drifting machine
# load hits all alike; each run also reports the proxy's CPU time per request (nginx: master and workers).
# Everything started here is stopped on exit.
#   bench/proxy.sh [--rounds 3] [--duration 15] [--warmup 10] [--out DIR] [--skip-off] [--perf] [--paired [--paired-only]]
#                  [--hold SECONDS] [--https] [--skip-follow]
# --https adds TLS to the same run: nginx gets a second listener `ssl` and both proxies an --https-port, all with one
# throw-away certificate made at run time in the temp dir (RSA 2048, TLS 1.3 as all negotiate; wrk checks no
# certificate and offers no ALPN, so all speak HTTP/1.1 over TLS), same upstreams; each round then runs nginx plain,
# nginx https, proxy plain and https with --fast-path off (Kestrel + YARP serve both: the cost of TLS there), proxy
# plain and https with --fast-path on (the fast path serves both, TLS ended on its event loops: its cost of TLS, next
# to nginx's). wrk keeps its 64 connections alive for the whole run: the handshakes (64 per run) are not what is
# measured, the record layer is.
# --skip-follow leaves out the join/leave rounds (following the grid) after the throughput rounds.
# A/B of the fast path: B_DLL=path/to/OrleansCoord.Proxy.dll (another build, e.g. a copy of main's Release output)
# and/or B_ENV="VAR=value ..." (environment for it, e.g. DOTNET_gcServer=0) start a second fast-path proxy, run
# after the first in every round ("fast path on (B)"); B_ENV alone runs this build with other settings.
# --skip-off leaves out the --fast-path off proxy. --perf adds the proxy's context switches and CPU migrations per
# request (perf stat on its processes; apt-get install -y linux-perf).
# A_DLL=path puts another build in the first fast-path proxy's place (the one --paired labels "on"): with B_DLL, the
# same pair with the places swapped, so that whatever favours one place cancels out over the two runs.
# --paired (with B_DLL/B_ENV): each round also loads the first fast-path proxy and B at the same time (wrk -t1 -c32
# on each), so that both meet the same foreign load; compare their CPU per request within a round. With --https, B
# gets an HTTPS port too and each round pairs them over plain HTTP and over TLS. --paired-only runs only the paired
# loads in each round (no nginx, no one-at-a-time runs): an A/B of two builds, quicker.
# --hold N: after the warm-up, prints the ports and process ids and waits N seconds (for strace/perf by hand),
# then runs the rounds.
# The warm-up (not reported) lets the .NET proxy's JIT tier up first: on 2 busy cores it takes more than 5 s.
# Needs: nginx, wrk (apt-get install -y nginx wrk), dotnet. NO_BUILD=1 skips the Release build.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$HERE/lib.sh"
ROUNDS=3; DURATION=15; WARMUP=10; OUT=""; SKIP_OFF=0; HOLD=0; PERF=0; PAIRED=0; PAIRED_ONLY=0; HTTPS=0; SKIP_FOLLOW=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --skip-off) SKIP_OFF=1; shift ;;
    --perf) PERF=1; shift ;;
    --paired) PAIRED=1; shift ;;
    --paired-only) PAIRED=1; PAIRED_ONLY=1; shift ;;
    --hold) HOLD="$2"; shift 2 ;;
    --https) HTTPS=1; shift ;;
    --skip-follow) SKIP_FOLLOW=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
OUTFILE=/dev/null
if [[ -n "$OUT" ]]; then mkdir -p "$OUT"; OUTFILE="$(cd "$OUT" && pwd)/proxy.txt"; fi
for tool in nginx wrk dotnet curl; do command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install -y nginx wrk)" >&2; exit 3; }; done

cd "$ROOT"
if [[ "${NO_BUILD:-0}" != 1 ]]; then
  dotnet build Silo -c Release -nologo -v q >&2
  dotnet build Proxy -c Release -nologo -v q >&2
  dotnet build Cli -c Release -nologo -v q >&2
fi
SILO_DLL="$ROOT/Silo/bin/Release/net10.0/OrleansCoord.Silo.dll"
PROXY_DLL="$ROOT/Proxy/bin/Release/net10.0/OrleansCoord.Proxy.dll"
COORD_DLL="$ROOT/Cli/bin/Release/net10.0/coord.dll"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/proxybench.XXXXXX")"
PIDS=()
stop_all() { for pid in "${PIDS[@]}"; do stop_group "$pid"; done; PIDS=(); }
trap 'stop_all; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

free_port UP1; free_port UP2; free_port UP3; free_port NGINX_PROXY; free_port SILO_PORT; free_port GATEWAY; free_port SILO_HTTP
free_port PROXY; free_port PROXY_ADMIN; free_port FAST; free_port FAST_ADMIN; free_port FAST_B; free_port FAST_B_ADMIN
NGINX_TLS_SERVER=""; PROXY_TLS_ARGS=(); FAST_TLS_ARGS=(); FAST_B_TLS_ARGS=()
if (( HTTPS )); then
  make_tls_material "$WORK/tls" || exit 3
  free_port NGINX_PROXY_TLS; free_port PROXY_TLS; free_port FAST_TLS; free_port FAST_B_TLS
  NGINX_TLS_SERVER="server { listen 127.0.0.1:$NGINX_PROXY_TLS ssl; ssl_certificate $WORK/tls/server.pem; ssl_certificate_key $WORK/tls/server.key;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection '';
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto \$scheme; proxy_set_header X-Forwarded-Host \$host; } }"
  CERTIFICATE_ARGS=(--certificate "$WORK/tls/server.pem" --certificate-key "$WORK/tls/server.key")
  PROXY_TLS_ARGS=(--https-port "$PROXY_TLS" "${CERTIFICATE_ARGS[@]}")
  FAST_TLS_ARGS=(--https-port "$FAST_TLS" "${CERTIFICATE_ARGS[@]}")
  FAST_B_TLS_ARGS=(--https-port "$FAST_B_TLS" "${CERTIFICATE_ARGS[@]}")
fi
B_DLL="${B_DLL:-}"; B_ENV="${B_ENV:-}"
AB=0; [[ -n "$B_DLL" || -n "$B_ENV" ]] && AB=1
[[ -n "$B_DLL" ]] || B_DLL="$ROOT/Proxy/bin/Release/net10.0/OrleansCoord.Proxy.dll"

nginx_conf() { # $1 = name, $2 = worker_processes, $3 = http block body
  mkdir -p "$WORK/$1"
  cat > "$WORK/$1/nginx.conf" <<CONF
worker_processes $2;
daemon off;
pid $WORK/$1/nginx.pid;
error_log $WORK/$1/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/$1; proxy_temp_path $WORK/$1; fastcgi_temp_path $WORK/$1; uwsgi_temp_path $WORK/$1; scgi_temp_path $WORK/$1;
  keepalive_requests 1000000;
  $3
}
CONF
}

nginx_conf upstreams 1 "server { listen 127.0.0.1:$UP1; location / { return 200 'u1'; } }
  server { listen 127.0.0.1:$UP2; location / { return 200 'u2'; } }
  server { listen 127.0.0.1:$UP3; location / { return 200 'u3'; } }"
nginx_conf proxy auto "upstream app { server 127.0.0.1:$UP1; server 127.0.0.1:$UP2; keepalive 64; }
  server { listen 127.0.0.1:$NGINX_PROXY; location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection '';
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto \$scheme; proxy_set_header X-Forwarded-Host \$host; } }
  $NGINX_TLS_SERVER"

setsid nginx -c "$WORK/upstreams/nginx.conf" > "$WORK/upstreams.log" 2>&1 & PIDS+=($!)
setsid nginx -c "$WORK/proxy/nginx.conf" > "$WORK/nginx-proxy.log" 2>&1 & PIDS+=($!)
CLUSTER_ID="proxybench-$RANDOM"
(cd "$WORK" && exec setsid dotnet "$SILO_DLL" --storage Memory --silo-port "$SILO_PORT" --gateway-port "$GATEWAY" \
  --http-port "$SILO_HTTP" --zk-port 0 --proxy-port 0 --cluster-id "$CLUSTER_ID") > "$WORK/silo.log" 2>&1 & PIDS+=($!)
wait_port "$UP2" 30 "${PIDS[0]}" && wait_port "$NGINX_PROXY" 30 "${PIDS[1]}" || { echo "nginx did not start" >&2; cat "$WORK"/*/error.log >&2; exit 4; }
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$SILO_HTTP/healthz" >/dev/null && break; sleep 0.2; done

coord() { dotnet "$COORD_DLL" --server "127.0.0.1:$GATEWAY" --cluster-id "$CLUSTER_ID" "$@" >/dev/null; }
coord proxy route set bench --path "/{**rest}" --cluster bench
coord proxy cluster set bench --policy round-robin
coord create /services && coord create /services/bench
# Persistent stand-ins for two registrations (a CLI session would take an ephemeral with it when it exits).
coord create /services/bench/u1 "{\"address\":\"http://127.0.0.1:$UP1\",\"weight\":1}"
coord create /services/bench/u2 "{\"address\":\"http://127.0.0.1:$UP2\",\"weight\":1}"

start_proxy() { # $1 = name, $2 = port, $3 = admin port, $4 = on|off, $5 = dll (default: this build), $6 = environment, then further proxy flags
  local name="$1" port="$2" admin="$3" fast="$4" dll="${5:-$PROXY_DLL}" environment="${6:-}"
  shift $(( $# < 6 ? $# : 6 ))
  # shellcheck disable=SC2086 # $environment is a list of VAR=value words
  (cd "$WORK" && exec setsid env $environment dotnet "$dll" --listen 127.0.0.1 --port "$port" --admin-port "$admin" --fast-path "$fast" \
    --server "127.0.0.1:$GATEWAY" --cluster-id "$CLUSTER_ID" --snapshot "$WORK/snapshot-$name.json" "$@") > "$WORK/$name.log" 2>&1 & PIDS+=($!)
}
start_proxy proxy "$PROXY" "$PROXY_ADMIN" off "" "" "${PROXY_TLS_ARGS[@]}"
start_proxy fast "$FAST" "$FAST_ADMIN" on "${A_DLL:-}" "" "${FAST_TLS_ARGS[@]}"
PORTS=("$PROXY" "$FAST")
if (( AB )); then start_proxy fast-b "$FAST_B" "$FAST_B_ADMIN" on "$B_DLL" "$B_ENV" "${FAST_B_TLS_ARGS[@]}"; PORTS+=("$FAST_B"); fi
for port in "${PORTS[@]}"; do
  for _ in $(seq 1 600); do [[ "$(curl -s "http://127.0.0.1:$port/x" || true)" == u? ]] && break; sleep 0.2; done
  [[ "$(curl -s "http://127.0.0.1:$port/x")" == u? ]] || { echo "the proxy on $port does not forward; its logs:" >&2; cat "$WORK"/proxy.log "$WORK"/fast.log >&2; exit 4; }
done
if (( HTTPS )); then
  for url in "https://127.0.0.1:$PROXY_TLS/x" "https://127.0.0.1:$FAST_TLS/x" "https://127.0.0.1:$NGINX_PROXY_TLS/x" \
      $( (( AB )) && echo "https://127.0.0.1:$FAST_B_TLS/x"); do
    for _ in $(seq 1 300); do [[ "$(curl -s --cacert "$WORK/tls/ca.pem" "$url" || true)" == u? ]] && break; sleep 0.2; done
    [[ "$(curl -s --cacert "$WORK/tls/ca.pem" "$url")" == u? ]] || { echo "$url does not forward over TLS; logs:" >&2; cat "$WORK"/proxy.log "$WORK"/proxy/error.log >&2; exit 4; }
  done
fi

NGINX_PROXY_GROUP="${PIDS[1]}"; PROXY_GROUP="${PIDS[3]}"; FAST_GROUP="${PIDS[4]}"; FAST_B_GROUP="${PIDS[5]:-}"
# CPU seconds used so far by every process of group $1 (nginx: master and workers).
group_cpu() { local total=0 pid; for pid in $(pgrep -g "$1"); do total=$(awk -v t="$total" -v c="$(cpu_seconds "$pid")" 'BEGIN { print t + c }'); done; echo "$total"; }

run() { # $1 = label, $2 = port, $3 = process group of the proxy under test, $4 = http (default) or https
  local scheme="${4:-http}"
  echo "## $1 (port $2), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  local before output perf_pid="" pids
  before="$(group_cpu "$3")"
  if (( PERF )); then
    pids="$(pgrep -g "$3" | paste -sd,)"
    perf stat -x, -e context-switches,cpu-migrations -p "$pids" -o "$WORK/perf.txt" -- sleep "$DURATION" & perf_pid=$!
  fi
  output="$(wrk -t2 -c64 -d"${DURATION}s" --latency "$scheme://127.0.0.1:$2/" 2>&1)"
  echo "$output"
  # CPU per request tells the proxies' costs apart even when other load on the box moves the req/s figures.
  echo "$output" | awk -v cpu="$(awk -v a="$before" -v b="$(group_cpu "$3")" 'BEGIN { print b - a }')" \
    '/requests in/ { n = $1 } END { if (n > 0) printf "proxy CPU: %.1f s, %.1f us per request\n", cpu, cpu * 1e6 / n }'
  if [[ -n "$perf_pid" ]]; then
    wait "$perf_pid" || true
    # Context switches per request: one of the costs the CPU time per request does not show apart.
    echo "$output" | awk -F, -v perf="$WORK/perf.txt" '/requests in/ { n = $1 + 0 } END {
      while ((getline line < perf) > 0) { split(line, f, ","); if (f[3] ~ /^context-switches/) c = f[1]; if (f[3] ~ /^cpu-migrations/) m = f[1] }
      if (n > 0) printf "proxy per request: %.3f context switches, %.4f CPU migrations\n", c / n, m / n }'
  fi
}

# The first fast-path proxy and B under load at the same time, half the connections each.
paired() { # $1 = round, $2 = http (default) or https
  local scheme="${2:-http}" a_port="$FAST" b_port="$FAST_B"
  [[ "$scheme" == https ]] && { a_port="$FAST_TLS"; b_port="$FAST_B_TLS"; }
  echo "## round $1: paired $scheme, fast path on and B at once (wrk -t1 -c32 each), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  local a_before b_before a_output perf_pids=()
  a_before="$(group_cpu "$FAST_GROUP")"; b_before="$(group_cpu "$FAST_B_GROUP")"
  if (( PERF )); then # system calls per request: what the CPU time cannot tell apart under foreign load
    for label in a b; do
      local group="$FAST_GROUP"; [[ "$label" == b ]] && group="$FAST_B_GROUP"
      perf stat -x, -e syscalls:sys_enter_recvfrom,syscalls:sys_enter_sendto,syscalls:sys_enter_epoll_wait -p "$(pgrep -g "$group" | paste -sd,)" \
        -o "$WORK/perf-$label.txt" -- sleep "$DURATION" & perf_pids+=($!)
    done
  fi
  wrk -t1 -c32 -d"${DURATION}s" --latency "$scheme://127.0.0.1:$a_port/" > "$WORK/paired-a.txt" 2>&1 & a_output=$!
  wrk -t1 -c32 -d"${DURATION}s" --latency "$scheme://127.0.0.1:$b_port/" > "$WORK/paired-b.txt" 2>&1
  wait "$a_output" || true
  for pid in "${perf_pids[@]}"; do wait "$pid" || true; done
  local label file group before calls
  for label in on B; do
    if [[ "$label" == on ]]; then file="$WORK/paired-a.txt"; group="$FAST_GROUP"; before="$a_before"; calls="$WORK/perf-a.txt"
    else file="$WORK/paired-b.txt"; group="$FAST_B_GROUP"; before="$b_before"; calls="$WORK/perf-b.txt"; fi
    awk -v label="$label" -v cpu="$(awk -v a="$before" -v b="$(group_cpu "$group")" 'BEGIN { print b - a }')" -v calls="$calls" -v perf="$PERF" \
      '/requests in/ { n = $1 } / 99%/ { p99 = $2 } /Requests\/sec/ { rps = $2 } END {
        if (n == 0) exit
        printf "%s: %s req/s, p99 %s, %.1f us CPU per request", label, rps, p99, cpu * 1e6 / n
        if (perf == 1) { while ((getline line < calls) > 0) { split(line, f, ","); if (f[3] ~ /recvfrom/) r = f[1]; if (f[3] ~ /sendto/) s = f[1]; if (f[3] ~ /epoll_wait/) e = f[1] }
          printf ", per request %.2f recvfrom, %.2f sendto, %.2f epoll_wait", r / n, s / n, e / n }
        printf "\n" }' "$file"
  done
}

{
  echo "# $(date -u +%FT%TZ), commit $(git -C "$ROOT" rev-parse --short HEAD), $(nproc) cores, $(nginx -v 2>&1), wrk -t2 -c64 -d${DURATION}s"
  if (( HTTPS )); then
    echo "# mode: plain and https (nginx ssl on port $NGINX_PROXY_TLS, proxy --https-port $PROXY_TLS (off) and $FAST_TLS (on); $(openssl version | cut -d' ' -f1-2)," \
      "one throw-away RSA 2048 certificate, HTTP/1.1 over TLS, 64 keep-alive connections per run: handshakes not measured)"
  else
    echo "# mode: plain"
  fi
  echo "# warm-up (not reported): ${WARMUP} s each"
  wrk -t2 -c64 -d"${WARMUP}s" "http://127.0.0.1:$NGINX_PROXY/" >/dev/null 2>&1
  wrk -t2 -c64 -d"${WARMUP}s" "http://127.0.0.1:$PROXY/" >/dev/null 2>&1
  wrk -t2 -c64 -d"${WARMUP}s" "http://127.0.0.1:$FAST/" >/dev/null 2>&1
  if (( AB )); then wrk -t2 -c64 -d"${WARMUP}s" "http://127.0.0.1:$FAST_B/" >/dev/null 2>&1; fi
  if (( HTTPS )); then
    wrk -t2 -c64 -d"${WARMUP}s" "https://127.0.0.1:$NGINX_PROXY_TLS/" >/dev/null 2>&1
    wrk -t2 -c64 -d"${WARMUP}s" "https://127.0.0.1:$PROXY_TLS/" >/dev/null 2>&1
    wrk -t2 -c64 -d"${WARMUP}s" "https://127.0.0.1:$FAST_TLS/" >/dev/null 2>&1
    if (( AB )); then wrk -t2 -c64 -d"${WARMUP}s" "https://127.0.0.1:$FAST_B_TLS/" >/dev/null 2>&1; fi
  fi
  if (( HOLD > 0 )); then
    echo "# holding ${HOLD} s: nginx proxy port $NGINX_PROXY (group $NGINX_PROXY_GROUP), fast path off $PROXY (pid $PROXY_GROUP)," \
      "on $FAST (pid $FAST_GROUP)$( (( AB )) && echo ", B $FAST_B (pid $FAST_B_GROUP)")" >&2
    sleep "$HOLD"
  fi
  for round in $(seq 1 "$ROUNDS"); do
    if (( PAIRED_ONLY && AB )); then
      paired "$round"
      if (( HTTPS )); then paired "$round" https; fi
      continue
    fi
    run "round $round: nginx proxy" "$NGINX_PROXY" "$NGINX_PROXY_GROUP"
    if (( HTTPS )); then run "round $round: nginx proxy https" "$NGINX_PROXY_TLS" "$NGINX_PROXY_GROUP" https; fi
    if (( ! SKIP_OFF )); then run "round $round: OrleansCoord.Proxy --fast-path off" "$PROXY" "$PROXY_GROUP"; fi
    if (( HTTPS )); then run "round $round: OrleansCoord.Proxy https (Kestrel + YARP)" "$PROXY_TLS" "$PROXY_GROUP" https; fi
    run "round $round: OrleansCoord.Proxy --fast-path on" "$FAST" "$FAST_GROUP"
    if (( HTTPS )); then run "round $round: OrleansCoord.Proxy https (fast path)" "$FAST_TLS" "$FAST_GROUP" https; fi
    if (( AB )); then run "round $round: OrleansCoord.Proxy --fast-path on (B: ${B_DLL#"$ROOT/"} ${B_ENV})" "$FAST_B" "$FAST_B_GROUP"; fi
    if (( AB && HTTPS )); then run "round $round: OrleansCoord.Proxy https (fast path, B)" "$FAST_B_TLS" "$FAST_B_GROUP" https; fi
    if (( AB && PAIRED )); then paired "$round"; fi
    if (( AB && PAIRED && HTTPS )); then paired "$round" https; fi
  done
  (( SKIP_FOLLOW )) || echo "## following the grid: a third instance registers, then leaves (curl polls the proxy; times from the CLI's exit)"
  for round in $(seq 1 "$(( SKIP_FOLLOW ? 0 : ROUNDS ))"); do
    coord create /services/bench/u3 "{\"address\":\"http://127.0.0.1:$UP3\",\"weight\":1}"
    start=$(date +%s%N)
    for _ in $(seq 1 3000); do [[ "$(curl -s "http://127.0.0.1:$FAST/")" == u3 ]] && break; done
    echo "join round $round: first answer from u3 after $(( ($(date +%s%N) - start) / 1000000 )) ms"
    coord rm /services/bench/u3
    start=$(date +%s%N); clean=0; clean_since=$start
    for _ in $(seq 1 3000); do
      if [[ "$(curl -s "http://127.0.0.1:$FAST/")" == u3 ]]; then clean=0; else
        (( clean == 0 )) && clean_since=$(date +%s%N); clean=$((clean + 1)); (( clean >= 20 )) && break; fi
    done
    echo "leave round $round: no answer from u3 (20 in a row) from $(( (clean_since - start) / 1000000 )) ms on"
  done
  echo "## direct to one upstream (the ceiling of this box), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  wrk -t2 -c64 -d"${DURATION}s" --latency "http://127.0.0.1:$UP1/" 2>&1
} | tee "$OUTFILE"
