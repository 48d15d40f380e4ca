#!/usr/bin/env python3
"""The table of bench/tls-ab.sh: reads the raw outputs under its --out directory (ZkBench JSON per round and mode,
proxy.sh's proxy.txt) and prints, as Markdown, the median over the rounds of plain and TLS and their ratio, for each
system and phase, with each round's own ratio beside it (rounds were interleaved, so a round's ratio is a fair pair).
Usage: tls_ab_table.py OUT_DIR"""
import json
import re
import statistics
import sys
from pathlib import Path

PHASES = ["create", "set", "get", "exists", "delete"]
# JSON file of a round per (system, mode), as grid.sh and tls-ab.sh name them.
FILES = {
    ("grid", "nio"): "grid-zk-Memory.json", ("grid", "netty"): "grid-zk-netty-Memory.json", ("grid", "tls"): "grid-zk-tls-Memory.json",
    ("zookeeper", "nio"): "zookeeper-nio.json", ("zookeeper", "netty"): "zookeeper-netty.json", ("zookeeper", "tls"): "zookeeper-tls.json",
}


def zk_rounds(out: Path):
    """{(system, mode): [ {phase: ops/s or None if it had errors}, per round ]} with None for a missing run."""
    rounds = sorted((d for d in out.glob("r*") if d.is_dir() and d.name[1:].isdigit()), key=lambda d: int(d.name[1:]))
    figures = {}
    for key, name in FILES.items():
        per_round = []
        for d in rounds:
            f = d / name
            if not f.exists():
                per_round.append(None)
                continue
            phases = json.loads(f.read_text())["phases"]
            per_round.append({p["phase"]: (p["opsPerSecond"] if p["errors"] == 0 else None) for p in phases})
        if any(r is not None for r in per_round):
            figures[key] = per_round
    return figures


def fmt(x):
    return "–" if x is None else f"{x:,.0f}"


def fmt1(x):
    return "–" if x is None else f"{x:.1f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def zk_table(figures):
    lines = ["## ZooKeeper benchmark (ZkBench ops/s, medians over the rounds)", "",
             "| system | phase | plain (Netty) | TLS | TLS/plain | each round's TLS/plain |" +
             (" plain (NIO) | TLS/NIO |" if any(m == "nio" for _, m in figures) else ""),
             "|---|---|---|---|---|---|" + ("---|---|" if any(m == "nio" for _, m in figures) else "")]
    for system in ("grid", "zookeeper"):
        plain, tls, nio = figures.get((system, "netty")), figures.get((system, "tls")), figures.get((system, "nio"))
        if plain is None and tls is None:
            continue
        for phase in PHASES:
            p = [r.get(phase) if r else None for r in (plain or [])]
            t = [r.get(phase) if r else None for r in (tls or [])]
            each = " ".join("–" if ratio(b, a) is None else f"{ratio(b, a):.2f}" for a, b in zip(p, t))
            row = f"| {system} | {phase} | {fmt(median(p))} | {fmt(median(t))} | " \
                  f"{'–' if ratio(median(t), median(p)) is None else f'{ratio(median(t), median(p)):.2f}×'} | {each} |"
            if nio is not None:
                n = median([r.get(phase) if r else None for r in nio])
                row += f" {fmt(n)} | {'–' if ratio(median(t), n) is None else f'{ratio(median(t), n):.2f}×'} |"
            lines.append(row)
    return lines


def proxy_table(text):
    """Req/s and CPU per request per label from proxy.sh's output ('## round N: LABEL (port P), ...')."""
    runs = {}
    label = None
    for line in text.splitlines():
        m = re.match(r"## round (\d+): (.*) \(port \d+\)", line)
        if m:
            label = m.group(2)
            runs.setdefault(label, {"rps": [], "cpu": []})
            continue
        if label and (m := re.match(r"Requests/sec:\s+([\d.]+)", line)):
            runs[label]["rps"].append(float(m.group(1)))
        if label and (m := re.search(r"([\d.]+) us per request", line)):
            runs[label]["cpu"].append(float(m.group(1)))
            label = None
    pairs = [("nginx", "nginx proxy", "nginx proxy https"),
             ("proxy, TLS alone (Kestrel + YARP both)", "OrleansCoord.Proxy --fast-path off", "OrleansCoord.Proxy https (Kestrel + YARP)"),
             ("proxy, fast path both (plain and TLS on its loops)", "OrleansCoord.Proxy --fast-path on", "OrleansCoord.Proxy https (fast path)"),
             ("proxy, Kestrel's https vs the plain fast path", "OrleansCoord.Proxy --fast-path on", "OrleansCoord.Proxy https (Kestrel + YARP)")]
    lines = ["## Proxy benchmark (wrk -t2 -c64 keep-alive, req/s and proxy CPU per request, medians over the rounds)", "",
             "| system | plain req/s | https req/s | https/plain | each round's https/plain | plain µs CPU/req | https µs CPU/req |",
             "|---|---|---|---|---|---|---|"]
    for name, plain_label, tls_label in pairs:
        if plain_label not in runs or tls_label not in runs:
            continue
        p, t = runs[plain_label], runs[tls_label]
        each = " ".join(f"{b / a:.2f}" for a, b in zip(p["rps"], t["rps"]) if a)
        r = ratio(median(t["rps"]), median(p["rps"]))
        lines.append(f"| {name} | {fmt(median(p['rps']))} | {fmt(median(t['rps']))} | {'–' if r is None else f'{r:.2f}×'} | {each} | "
                     f"{fmt1(median(p['cpu']))} | {fmt1(median(t['cpu']))} |")
    # The proxy's https next to nginx's, each round's pair (same round: the same foreign load).
    for label in ("OrleansCoord.Proxy https (fast path)", "OrleansCoord.Proxy https (Kestrel + YARP)"):
        n, t = runs.get("nginx proxy https"), runs.get(label)
        if not n or not t:
            continue
        each = " ".join(f"{b / a:.2f}" for a, b in zip(n["rps"], t["rps"]) if a)
        r = ratio(median(t["rps"]), median(n["rps"]))
        lines += ["", f"{label} / nginx https, req/s: median {'–' if r is None else f'{r:.2f}×'}, each round {each}"]
    return lines


def main():
    out = Path(sys.argv[1])
    settings = out / "settings.txt"
    lines = [settings.read_text().strip(), ""] if settings.exists() else []
    figures = zk_rounds(out)
    if figures:
        lines += zk_table(figures) + [""]
    proxy = out / "proxy.txt"
    if proxy.exists():
        lines += proxy_table(proxy.read_text()) + [""]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
