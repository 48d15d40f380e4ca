#!/usr/bin/env python3
"""Reads `perf script` of the silo (perf record -g -k CLOCK_REALTIME, DOTNET_PerfMapEnabled=1) and phases.json of
profile.py; for each phase window prints the top inclusive frames with their component, and every sample charged to
the innermost frame that belongs to a component (Npgsql, ZooKeeper port, grain code, Orleans, ...).
Usage: perf script -i perf.data | perf-phases.py phases.json [TOP]"""
import json, re, sys
from collections import Counter

phases = json.load(open(sys.argv[1]))
top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
RULES = [  # first match wins, on the frame's text
    ("GC", re.compile(r"\bgc_heap::|WKS::|SVR::|GCHeap|GarbageCollect")),
    ("Npgsql", re.compile(r"\[Npgsql\]")),
    ("PostgreSQL store", re.compile(r"OrleansCoord\.Storage\.Postgres")),
    ("ZooKeeper port (wire codec, connection)", re.compile(r"OrleansCoord\.ZooKeeper\.Server|\[OrleansCoord\.ZooKeeper")),
    ("grain code (OrleansCoord.Grains, SessionLayer)", re.compile(r"\[OrleansCoord\.(Grains|SessionLayer|Grains\.Interfaces)\]")),
    ("silo metrics (OrleansCoord.Silo)", re.compile(r"\[OrleansCoord\.Silo\]")),
    ("Orleans dashboard (grain profiler filter)", re.compile(r"\[Orleans\.Dashboard")),
    ("Orleans runtime (scheduler, activations, invoke)", re.compile(r"\[Orleans\.(Runtime|Core)\].*(ActivationData|Scheduler|WorkItemGroup|InsideRuntimeClient|Invoker|GrainReferenceRuntime)")),
    ("Orleans messaging, serialization, networking", re.compile(r"\[Orleans\.(Serialization|Core)\].*(Messag|Serializ|Codec|Connection|Network|Buffer)|\[Orleans\.Runtime\].*(Messag|Connection|Network|Gateway)|\[Orleans\.Serialization")),
    ("Orleans runtime (scheduler, activations, invoke)", re.compile(r"\[Orleans\.")),
    ("sockets (System.Net)", re.compile(r"\[System\.Net\.")),
    ("thread pool, tasks, async (CoreLib)", re.compile(r"System\.Threading|System\.Runtime\.CompilerServices\.Async")),
    ("kernel", re.compile(r"^\[k\]|\(\[kernel\.kallsyms\]\)")),
]

def component(frame):
    for name, rx in RULES:
        if rx.search(frame): return name
    return None

samples = []  # (time, thread, frames leaf first)
cur = None
for line in sys.stdin:
    if not line.strip():
        if cur: samples.append(cur); cur = None
        continue
    if not line[0].isspace():
        m = re.match(r"(.+?)\s+(\d+)\s+(\d+\.\d+):", line)
        cur = (float(m.group(3)), m.group(1).strip(), []) if m else None
    elif cur is not None:
        parts = line.strip().split(" ", 1)
        text = parts[1] if len(parts) > 1 else parts[0]
        sym = re.sub(r"\+0x[0-9a-f]+ \(", " (", text)
        if sym.startswith("[unknown] ("): sym = "[unknown] " + sym[11:-1].rsplit("/", 1)[-1]
        cur[2].append(sym)
if cur: samples.append(cur)

ROOTISH = re.compile(r"start_thread|\[unknown\]|StartCallback|WorkerThreadStart|ThreadPoolWorkQueue::Dispatch|ExecutionContext::Run|"
                     r"AsyncMethodBuilderCore::Start|AsyncStateMachineBox|Task::ExecuteEntry|Task::ExecuteWithThreadLocal|"
                     r"entry_SYSCALL|do_syscall_64|RunContinuations|TrySetResult|SetExistingTaskResult|InlineIfPossibleOrElseQueue|"
                     r"TryRunInline|RunOrScheduleAction|TaskSchedulerAwaitTaskContinuation|WorkItemGroup::Execute|SetResult|"
                     r"ThreadPoolTypedWorkItemQueue|Dispatch\(\)|RunFromThreadPoolDispatchLoop|TaskContinuation")
for p in phases:
    t0, t1 = p["window_ms"][0] / 1000, p["window_ms"][1] / 1000
    win = [s for s in samples if t0 <= s[0] <= t1]
    n = len(win)
    print(f"\n== {p['phase']}: {n} samples of the silo at 499 Hz in {t1 - t0:.3f} s (= {n / 499:.2f} CPU s sampled)")
    threads = Counter(s[1] for s in win)
    print("threads:", ", ".join(f"{k} {v * 100 / n:.0f}%" for k, v in threads.most_common(8)))
    incl = Counter()
    for s in win:
        for f in set(s[2]): incl[f] += 1
    print(f"top {top} inclusive frames (infrastructure frames of the thread pool, tasks and async left out):")
    shown = 0
    for f, c in incl.most_common():
        if ROOTISH.search(f): continue
        short = re.sub(r"\[Optimized\]|\[OptimizedTier1\]|instance |class |valuetype ", "", f)
        short = re.sub(r"\(.*\)", "()", short)
        print(f"  {c * 100 / n:5.1f}%  [{component(f) or 'other'}]  {short[:170]}")
        shown += 1
        if shown == top: break
    owner = Counter()
    for s in win:
        name = None
        if s[1].startswith(".NET Server GC") or s[1].startswith(".NET BGC") or s[1].startswith(".NET GC"): name = "GC"
        for f in s[2]:
            if name: break
            name = component(f)
        if name is None:
            leaf = s[2][0] if s[2] else "?"
            name = "runtime native (libcoreclr: allocation, GC, stubs; unsymbolized)" if "libcoreclr" in leaf else "other (" + leaf[:60] + ")"
        owner[name] += 1
    print("samples by the innermost frame's component:")
    other = 0
    for k, v in owner.most_common():
        if v * 100 / n < 1: other += v; continue
        print(f"  {v * 100 / n:5.1f}%  {k}")
    print(f"  {other * 100 / n:5.1f}%  (components under 1% each)")
