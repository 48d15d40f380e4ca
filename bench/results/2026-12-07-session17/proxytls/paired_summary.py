#!/usr/bin/env python3
"""Summary of bench/proxy.sh --paired runs: per round and scheme, each proxy's CPU per request and the on/B ratio (and
the system calls per request when run with --perf), then the median ratio. Usage: paired_summary.py proxy.txt ..."""
import re,sys,statistics
for f in sys.argv[1:]:
    rows={}
    cur=None
    for line in open(f):
        m=re.match(r'## round (\d+): paired (\w+)',line)
        if m: cur=(int(m.group(1)),m.group(2)); continue
        m=re.match(r'(on|B): ([\d.]+) req/s.*?([\d.]+) us CPU per request(.*)',line)
        if m and cur: rows.setdefault(cur,{})[m.group(1)]=(float(m.group(2)),float(m.group(3)),m.group(4).strip(', '))
    print(f)
    for scheme in ('http','https'):
        ratios=[]
        for (r,s),v in sorted(rows.items()):
            if s!=scheme or 'on' not in v or 'B' not in v: continue
            ratio=v['on'][1]/v['B'][1]; ratios.append(ratio)
            print(f"  {scheme} r{r}: on {v['on'][1]:.1f} us ({v['on'][0]:.0f} req/s) B {v['B'][1]:.1f} us ({v['B'][0]:.0f} req/s) on/B {ratio:.3f} {v['on'][2]} | {v['B'][2]}")
        if ratios: print(f"  {scheme} median on/B CPU per request {statistics.median(ratios):.3f}, mean {statistics.mean(ratios):.3f}")
