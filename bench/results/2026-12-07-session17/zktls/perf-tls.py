#!/usr/bin/env python3
"""Where the silo's CPU goes per phase: reads `perf script` of the silo (perf record -g -p PID -k CLOCK_REALTIME,
DOTNET_PerfMapEnabled=1) and zkcpu.sh's LABEL-rN.json (phase windows); per phase prints the samples, and the share of
samples with at least one frame in each group (inclusive: TLS = SslStream or OpenSSL; a sample can count in several).
Usage: perf script -i X.perf.data -F tid,time,ip,sym,dso | perf-tls.py X.json"""
import json, re, sys
from collections import Counter

doc = json.load(open(sys.argv[1]))
GROUPS = [
    ("TLS (SslStream + OpenSSL)", re.compile(r"\[System\.Net\.Security\]|libssl\.so|libcrypto\.so")),
    ("OpenSSL (libssl, libcrypto)", re.compile(r"libssl\.so|libcrypto\.so")),
    ("Kestrel TLS middleware, SslDuplexPipe, DuplexPipeStream", re.compile(r"Https|SslDuplexPipe|DuplexPipeStream")),
    ("System.IO.Pipelines", re.compile(r"\[System\.IO\.Pipelines\]")),
    ("socket syscalls (kernel send/recv)", re.compile(r"sock_sendmsg|sock_recvmsg|tcp_sendmsg|tcp_recvmsg|__sys_sendto|__sys_recvfrom|__sys_sendmsg|__sys_recvmsg")),
    ("ZooKeeper port (OrleansCoord.ZooKeeper.Server)", re.compile(r"\[OrleansCoord\.ZooKeeper\.Server\]")),
    ("GC", re.compile(r"WKS::|SVR::|gc_heap|GCHeap")),
]
SELF = [
    ("OpenSSL (libssl, libcrypto)", re.compile(r"libssl\.so|libcrypto\.so")),
    ("SslStream (System.Net.Security, libSystem.Security.Native)", re.compile(r"\[System\.Net\.Security\]|libSystem\.Security")),
    ("Kestrel (any)", re.compile(r"\[Microsoft\.AspNetCore\.Server\.Kestrel")),
    ("System.IO.Pipelines", re.compile(r"\[System\.IO\.Pipelines\]")),
    ("kernel", re.compile(r"kernel\.kallsyms")),
    ("CoreCLR runtime (libcoreclr, stubs)", re.compile(r"libcoreclr|^\S+ stub |stub ")),
]
samples, cur = [], None
for line in sys.stdin:
    if not line.strip():
        if cur: samples.append(cur)
        cur = None
        continue
    if not line[0].isspace():
        m = re.match(r"\s*(?:.+?\s+)?(\d+)\s+(\d+\.\d+):", line)
        cur = (float(m.group(2)), []) if m else None
    elif cur is not None:
        cur[1].append(line.strip())
if cur: samples.append(cur)
for p in doc["phases"]:
    t0, t1 = p["window_ms"][0] / 1000, p["window_ms"][1] / 1000
    win = [s for s in samples if t0 <= s[0] <= t1]
    n = max(1, len(win))
    counts = Counter()
    for _, frames in win:
        text = "\n".join(frames)
        for name, rx in GROUPS:
            if rx.search(text): counts[name] += 1
    print(f"== {p['phase']}: {len(win)} samples ({len(win) / p['ops'] * 1e6 / 999:.1f} us/op sampled at 999 Hz), server {p['server_us_op']} us/op by /proc")
    for name, _ in GROUPS:
        print(f"   {name:58} {counts[name] * 100 / n:5.1f}%  ({counts[name] / p['ops'] * 1e6 / 999:.1f} us/op)")
    # Self: the leaf frame only. Inclusive shares above overcount: a read that SslStream completes runs the connection's
    # read loop and the grain calls it starts on the same stack.
    self_counts = Counter()
    for _, frames in win:
        leaf = frames[0] if frames else ""
        for name, rx in SELF:
            if rx.search(leaf): self_counts[name] += 1; break
    for name, _ in SELF:
        print(f"   self: {name:52} {self_counts[name] * 100 / n:5.1f}%  ({self_counts[name] / p['ops'] * 1e6 / 999:.1f} us/op)")
