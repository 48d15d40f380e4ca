#!/usr/bin/env python3
"""Runs ZkBench (the command after --, with --pause-ms) and takes the CPU of the server process and of the load
generator (java) at the start and end of each measured phase (/proc/PID/stat, user + system), and the machine's busy
CPU. Writes OUT.json: per phase ops, seconds, ops/s, server and client CPU seconds and microseconds per operation.
Usage: phasecpu.py SERVER_PID OPS OUT.json -- java ... ZkBench ... --pause-ms 1000"""
import json, os, subprocess, sys, time

server_pid, ops, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
cmd = sys.argv[sys.argv.index("--") + 1:]
hz = os.sysconf("SC_CLK_TCK")

def cpu(pid):
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / hz
    except OSError:
        return 0.0

def io(pid):
    try:
        d = dict(l.split(": ") for l in open(f"/proc/{pid}/io").read().splitlines())
        return int(d["syscr"]), int(d["syscw"]), int(d["rchar"]), int(d["wchar"])
    except OSError:
        return 0, 0, 0, 0

def machine_busy():
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return (sum(f[:8]) - f[3] - f[4]) / hz

def snap(java):
    sr, sw, src, swc = io(server_pid); cr, cw, crc, cwc = io(java.pid)
    return {"t": time.time(), "server": cpu(server_pid), "client": cpu(java.pid), "busy": machine_busy(),
            "server_reads": sr, "server_writes": sw, "server_rbytes": src, "server_wbytes": swc,
            "client_reads": cr, "client_writes": cw, "client_rbytes": crc, "client_wbytes": cwc}

java = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
phases, start = [], None
for line in java.stderr:
    sys.stderr.write(line)
    if line.startswith("# go"):
        start = snap(java)
    elif line.startswith("# phase "):
        end = snap(java)
        _, _, name, s, e = line.split()
        secs = (int(e) - int(s)) / 1000
        d = {k: end[k] - start[k] for k in end if k != "t"}
        phases.append({"phase": name, "ops": ops, "seconds": secs, "ops_s": round(ops / secs, 1),
                       "server_cpu_s": round(d["server"], 2), "client_cpu_s": round(d["client"], 2), "machine_busy_s": round(d["busy"], 2),
                       "server_us_op": round(d["server"] / ops * 1e6, 1), "client_us_op": round(d["client"] / ops * 1e6, 1),
                       "window_ms": [int(s), int(e)],
                       "syscalls_per_op": {k: round(d[k] / ops, 2) for k in ("server_reads", "server_writes", "client_reads", "client_writes")},
                       "bytes_per_syscall": {k: round(d[k.replace("reads", "rbytes").replace("writes", "wbytes")] / max(1, d[k])) for k in ("server_reads", "server_writes", "client_reads", "client_writes")}})
stdout = java.stdout.read()
sys.stdout.write(stdout)
rc = java.wait()
json.dump({"rc": rc, "loadavg": open("/proc/loadavg").read().split()[:3], "phases": phases}, open(out, "w"), indent=1)
for p in phases:
    print(f"# {p['phase']:7} {p['ops_s']:9.1f} ops/s  server {p['server_us_op']:6.1f} us/op  client {p['client_us_op']:6.1f} us/op  busy {p['machine_busy_s']:.2f} s  syscalls/op {p['syscalls_per_op']}  bytes/syscall {p['bytes_per_syscall']}")
sys.exit(rc)
