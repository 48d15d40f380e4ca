#!/usr/bin/env bash
# Samples the private PostgreSQL's CPU once a second while run.sh runs: the postmaster's own plus its exited children's
# (utime+stime+cutime+cstime, clock ticks): every backend is a child the postmaster waits for, so the delta over a
# run's window is the server's CPU for that run once its connections have closed. Usage: pgcpu-sampler.sh PID > file
pid=$1; tck=$(getconf CLK_TCK)
while [[ -r /proc/$pid/stat ]]; do
  read -r -a f < <(sed 's/^.*) //' /proc/$pid/stat)
  # after the ") " the fields start at state (field 3): utime=14 stime=15 cutime=16 cstime=17 -> indexes 11..14
  echo "$(date -u +%s) $(( (f[11] + f[12] + f[13] + f[14]) * 1000 / tck ))"
  sleep 1
done
