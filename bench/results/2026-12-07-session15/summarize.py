#!/usr/bin/env python3
"""Per run of profile.py (DIR/rN/K-LABEL/phases.json): ops/s, CPU seconds per 1,000 ops (silo, PostgreSQL, load
generator), the machine's busy share of its 2 cores, store groups and commits per 1,000 ops and commits per group;
then new/base per round. Usage: summarize.py DIR [BASE_LABEL NEW_LABEL]"""
import glob, json, os, sys
from collections import defaultdict

root = sys.argv[1]
base, new = (sys.argv[2], sys.argv[3]) if len(sys.argv) > 3 else ("base", "new")
runs = defaultdict(dict)
print(f"{'round':6} {'build':6} {'phase':7} {'ops/s':>7} {'silo':>6} {'pg':>6} {'java':>6} {'busy':>5} {'groups':>7} {'commits':>8} {'per grp':>7} {'xact':>6} {'wal_sync':>8}")
print(f"{'':22} {'':>7} {'CPU ms per 1,000 ops':>20} {'':>5} {'per 1,000 ops':>16}")
for path in sorted(glob.glob(os.path.join(root, "*", "*", "phases.json"))):
    rnd = os.path.basename(os.path.dirname(os.path.dirname(path)))
    label = os.path.basename(os.path.dirname(path)).split("-", 1)[1]
    for p in json.load(open(path)):
        k = 20000 / 1000
        ops = 20000 / p["wall_s"]
        runs[(rnd, p["phase"])][label] = (ops, p["cpu_s"]["silo"])
        c = p["cpu_s"]
        print(f"{rnd:6} {label:6} {p['phase']:7} {ops:7.0f} {c['silo'] * 1000 / k:6.0f} {c['postgres'] * 1000 / k:6.0f} {c['java'] * 1000 / k:6.0f} "
              f"{c['machine_busy'] / p['machine_capacity_s']:5.0%} {p['store_groups'] / k:7.1f} {p['store_commits'] / k:8.1f} "
              f"{p['store_commits'] / max(p['store_groups'], 1):7.1f} {p['xact_commit'] / k:6.1f} {p['wal_sync'] / k:8.1f}")
print(f"\n{new}/{base} per round: ops/s ratio (raw), silo CPU ratio")
for (rnd, phase), d in sorted(runs.items(), key=lambda x: (x[0][1], x[0][0])):
    if base in d and new in d:
        (bo, bc), (no, nc) = d[base], d[new]
        print(f"  {phase:7} {rnd}: ops/s {no / bo:5.2f} ({bo:.0f} -> {no:.0f}), silo CPU {nc / bc:5.2f} ({bc:.2f} -> {nc:.2f} s)")
