#!/usr/bin/env python3
"""Per test and phase: ops/s (and p50 ms) of base and new in every round, and new/base of the medians and per round."""
import glob, os, re, statistics, sys
here = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
runs = {}
for path in sorted(glob.glob(os.path.join(here, "*-r[0-9].txt"))):
    m = re.match(r"(.+)-(base|new)-r(\d)\.txt$", os.path.basename(path))
    if not m: continue
    test, build, rnd = m.group(1), m.group(2), int(m.group(3))
    table = False
    for line in open(path):
        if line.startswith("phase"): table = True; continue
        if not table or line.startswith("#") or not line.strip(): continue
        f = line.split()
        if len(f) < 7: continue
        runs.setdefault((test, f[0]), {}).setdefault(build, {})[rnd] = (float(f[4]), float(f[5]), int(f[2]))
for (test, phase), by in sorted(runs.items()):
    base, new = by.get("base", {}), by.get("new", {})
    rounds = sorted(set(base) & set(new))
    if not rounds: continue
    per = " ".join(f"{new[r][0] / base[r][0]:.2f}" for r in rounds)
    mb, mn = statistics.median(base[r][0] for r in rounds), statistics.median(new[r][0] for r in rounds)
    pb, pn = statistics.median(base[r][1] for r in rounds), statistics.median(new[r][1] for r in rounds)
    errors = sum(base[r][2] + new[r][2] for r in rounds)
    print(f"{test:13} {phase:13} base ops/s {' / '.join(f'{base[r][0]:.0f}' for r in rounds):24} new {' / '.join(f'{new[r][0]:.0f}' for r in rounds):24}"
          f" new/base per round {per:16} medians {mn / mb:.2f}x  p50 ms {pb:.2f} -> {pn:.2f}  errors {errors}")

# PostgreSQL's CPU per run (pgcpu-samples.txt, from round 2 on): the run's window is from its start to the next run's.
import calendar, time
samples = []
if os.path.exists(os.path.join(here, "pgcpu-samples.txt")):
    samples = [tuple(map(int, l.split())) for l in open(os.path.join(here, "pgcpu-samples.txt")) if l.strip()]
starts = []
for path in glob.glob(os.path.join(here, "*-r[0-9].txt")):
    m = re.search(r"load average .* at (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)", "".join(open(path).readlines()[:3]))
    if m: starts.append((calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%SZ")), os.path.basename(path), int(os.path.getmtime(path))))
starts.sort()
def cpu_at(t):
    for ts, ms in samples:
        if ts >= t: return ms
    return None
cpu = {}
for i, (start, name, end) in enumerate(starts):
    stop = starts[i + 1][0] if i + 1 < len(starts) else end + 5
    a, b = cpu_at(start), cpu_at(stop)
    if samples and a is not None and b is not None and start >= samples[0][0]:
        m = re.match(r"(.+)-(base|new)-r(\d)\.txt$", name)
        cpu.setdefault(m.group(1), {}).setdefault(m.group(2), []).append((int(m.group(3)), (b - a) / 1000))
if cpu: print("\nPostgreSQL CPU seconds per run (server processes, whole run incl. warm-up), by round:")
for test, by in sorted(cpu.items()):
    fmt = lambda xs: " / ".join(f"r{r} {s:.1f}" for r, s in sorted(xs))
    print(f"{test:13} base {fmt(by.get('base', [])):30} new {fmt(by.get('new', []))}")
