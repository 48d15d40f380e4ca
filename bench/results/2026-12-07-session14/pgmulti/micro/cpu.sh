#!/bin/bash
# usage: cpu.sh SCRIPT N -> PostgreSQL CPU ms per transaction (postmaster + reaped backends) and pgbench's tps
pm=$(head -1 $(cat /tmp/pgmulti-scratch-dir)/data/postmaster.pid)
t() { read -r -a f < <(sed 's/^.*) //' /proc/$pm/stat); echo $(( f[11] + f[12] + f[13] + f[14] )); }
a=$(t); out=$(/usr/lib/postgresql/15/bin/pgbench -n -M prepared -c 1 -t $2 -f $1 -h 127.0.0.1 -p 55449 -U postgres postgres 2>&1); sleep 1; b=$(t)
tps=$(echo "$out" | grep -o "tps = [0-9.]*" | head -1); lat=$(echo "$out" | grep -o "latency average = [0-9.]* ms")
echo "$1 n=$2 server_cpu_ms_per_tx=$(echo "scale=4; ($b-$a)*1000/$(getconf CLK_TCK)/$2" | bc) $tps $lat $(echo "$out" | grep -c "error\|ERROR")"
