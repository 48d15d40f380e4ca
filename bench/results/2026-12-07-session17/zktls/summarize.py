#!/usr/bin/env python3
"""Medians over the rounds of zkcpu.sh's LABEL-rN.json: per label and phase ops/s, server and client CPU us per
operation (rounds in brackets), then the ratios of PAIRS given as A/B (e.g. base-tls/base-plain).
Usage: summarize.py DIR [A/B ...]"""
import glob, json, os, re, statistics, sys
from collections import defaultdict

d = sys.argv[1]
runs = defaultdict(lambda: defaultdict(list))  # label -> phase -> [phase dicts by round]
for f in sorted(glob.glob(os.path.join(d, "*-r*.json"))):
    label, rnd = re.match(r"(.+)-r(\d+)\.json", os.path.basename(f)).groups()
    doc = json.load(open(f))
    for p in doc["phases"]:
        runs[label][p["phase"]].append(p)
phases = ["create", "set", "get", "exists", "delete"]
med = lambda xs: statistics.median(xs) if xs else float("nan")
print(f"| label | phase | ops/s median (rounds) | server us/op median (rounds) | client us/op median (rounds) |")
print("|---|---|---|---|---|")
for label in runs:
    for ph in phases:
        ps = runs[label].get(ph, [])
        if not ps: continue
        def col(k, fmt):
            xs = [p[k] for p in ps]
            return f"{fmt.format(med(xs))} ({' / '.join(fmt.format(x) for x in xs)})"
        print(f"| {label} | {ph} | {col('ops_s', '{:,.0f}')} | {col('server_us_op', '{:.1f}')} | {col('client_us_op', '{:.1f}')} |")
for pair in sys.argv[2:]:
    a, b = pair.split("/")
    print(f"\n{a} / {b}: ratio of medians (per-round ratios), ops/s; server us/op difference of medians; client us/op difference")
    for ph in phases:
        pa, pb = runs[a].get(ph, []), runs[b].get(ph, [])
        if not pa or not pb: continue
        n = min(len(pa), len(pb))
        rr = [pa[i]["ops_s"] / pb[i]["ops_s"] for i in range(n)]
        ma, mb = med([p["ops_s"] for p in pa]), med([p["ops_s"] for p in pb])
        sa, sb = med([p["server_us_op"] for p in pa]), med([p["server_us_op"] for p in pb])
        ca, cb = med([p["client_us_op"] for p in pa]), med([p["client_us_op"] for p in pb])
        print(f"  {ph:7} ops/s {ma / mb:.2f}x ({' / '.join(f'{r:.2f}' for r in rr)}); server {sa:.1f} vs {sb:.1f} us/op ({sa - sb:+.1f}); client {ca:.1f} vs {cb:.1f} us/op ({ca - cb:+.1f})")
