#!/usr/bin/env python3
"""Issue 16: what limits the ZooKeeper port's phases on PostgreSQL. Starts one silo (DLL) on the given PostgreSQL,
runs ZkBench with --pause-ms, and between phases takes the CPU of every process (/proc), the server's counters
(pg_stat_database, pg_stat_wal, pg_stat_statements) and the silo's /metrics (group sizes); optionally perf records the
silo (DOTNET_PerfMapEnabled=1). Writes OUT/phases.json, OUT/bench.txt, OUT/pidstat.txt, OUT/perf.data.
With DLL "zookeeper" it drives the ZooKeeper 3.8 that profile.sh started (ZK_PORT, ZK_PID) instead, and its CPU
stands where the silo's does (no PostgreSQL, no /metrics).
Usage (from profile.sh, which starts the private PostgreSQL): profile.py DLL OUT CONNSTRING DB [--perf]"""
import json, os, re, signal, socket, subprocess, sys, time, urllib.request

dll, out, cs, db = sys.argv[1:5]
use_perf = "--perf" in sys.argv[5:]
os.makedirs(out, exist_ok=True)
classes = os.environ["ZK_CLASSES"]
hz = os.sysconf("SC_CLK_TCK")

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def proc_cpu(pid):
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / hz
    except OSError:
        return 0.0

def postgres_pids():
    master = int(open(os.path.join(os.environ["PG_DATA_DIR"], "data", "postmaster.pid")).readline())
    pids = [master]
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if int(open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1]) == master: pids.append(int(d))
            except OSError:
                pass
    return pids

def machine():
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    idle = f[3] + f[4]
    return sum(f[:8]) / hz, (sum(f[:8]) - idle) / hz

def cpu_snapshot():
    total, busy = machine()
    return {"t": time.time(), "silo": proc_cpu(silo.pid_main), "java": proc_cpu(java.pid),
            "postgres": sum(proc_cpu(p) for p in postgres_pids()), "machine_total": total, "machine_busy": busy}

def psql(sql):
    return subprocess.run(["psql", "-X", "-q", "-A", "-t", "-d", db, "-c", sql], capture_output=True, text=True, check=True).stdout

zookeeper = dll == "zookeeper"

def pg_snapshot():
    if zookeeper: return {"xact_commit": 0, "xact_rollback": 0, "wal_records": 0, "wal_bytes": 0, "wal_write": 0, "wal_sync": 0, "statements": {}}
    d = psql(f"SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = '{db}'").split("|")
    w = psql("SELECT wal_records, wal_bytes, wal_write, wal_sync FROM pg_stat_wal").split("|")
    stmts = {}
    for line in psql("SELECT queryid, calls, total_exec_time, rows, regexp_replace(left(query, 100), '\\s+', ' ', 'g') "
                     "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())").splitlines():
        qid, calls, ms, rows, q = line.split("|", 4)
        stmts[qid] = {"calls": int(calls), "ms": float(ms), "rows": int(rows), "query": q}
    return {"xact_commit": int(d[0]), "xact_rollback": int(d[1]), "wal_records": int(w[0]), "wal_bytes": int(w[1]),
            "wal_write": int(w[2]), "wal_sync": int(w[3]), "statements": stmts}

def metrics_snapshot():
    if zookeeper: return {"coord_store_commit_batch_size_count": 0, "coord_store_commit_batch_size_sum": 0}
    text = urllib.request.urlopen(f"http://127.0.0.1:{http_port}/metrics", timeout=5).read().decode()
    m = {}
    for name in ("coord_store_commit_batch_size_count", "coord_store_commit_batch_size_sum",
                 "coord_store_commit_duration_seconds_count", "coord_store_commit_duration_seconds_sum"):
        for line in text.splitlines():
            if line.startswith(name) and 'store="Postgres"' in line:
                m[name] = float(line.rsplit(" ", 1)[1])
    return m

ports = {k: free_port() for k in ("silo", "gateway", "http", "zk")}
http_port = ports["http"]
repo = os.path.dirname(dll)
while repo != "/" and not os.path.exists(os.path.join(repo, "OrleansCoord.sln")): repo = os.path.dirname(repo)
env = dict(os.environ)
if use_perf:  # perf resolves JIT frames from /tmp/perf-PID.map only without W^X's double mapping; no ReadyToRun code, so every
    env.update(DOTNET_PerfMapEnabled="1", DOTNET_EnableWriteXorExecute="0", DOTNET_ReadyToRun="0")  # method is in the map
silo_log = open(os.path.join(out, "silo.log"), "w")
class Server:  # the ZooKeeper profile.sh started: measured, not stopped here
    pid = int(os.environ.get("ZK_PID", "0"))
    def poll(self): return None
silo = Server() if zookeeper else subprocess.Popen(["dotnet", dll, "--storage", "Postgres", "--connection-string", cs, "--silo-port", str(ports["silo"]),
                         "--gateway-port", str(ports["gateway"]), "--http-port", str(http_port), "--zk-port", str(ports["zk"]),
                         "--proxy-port", "0", "--cluster-id", f"prof-{int(time.time())}"],
                        cwd=repo if repo != "/" else None, env=env, stdout=silo_log, stderr=subprocess.STDOUT, start_new_session=True)
silo.pid_main = silo.pid
aux = []
try:
    deadline = time.time() + 180
    if zookeeper: ports["zk"] = int(os.environ["ZK_PORT"])
    while not zookeeper:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{http_port}/healthz", timeout=2); break
        except Exception:
            if silo.poll() is not None or time.time() > deadline: raise SystemExit("silo not healthy")
            time.sleep(0.5)
    pidstat = subprocess.Popen(["pidstat", "-u", "-h", "1"], stdout=open(os.path.join(out, "pidstat.txt"), "w"), env=dict(os.environ, LC_ALL="C"))
    aux.append(pidstat)
    if use_perf:
        perf = subprocess.Popen(["/usr/bin/perf", "record", "-F", "499", "-g", "-k", "CLOCK_REALTIME", "-p", str(silo.pid),
                                 "-o", os.path.join(out, "perf.data")], stdout=subprocess.DEVNULL, stderr=open(os.path.join(out, "perf.log"), "w"))
        aux.append(perf)
        time.sleep(1)
    bench_txt = open(os.path.join(out, "bench.txt"), "w")
    cmd = ["java", "-Xmx1g", "-cp", f"{classes}:/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-nop.jar", "ZkBench",
           "--server", f"127.0.0.1:{ports['zk']}", "--ops", "20000", "--concurrency", "200", "--size", "1024",
           "--phases", os.environ.get("PROFILE_PHASES", "create,set,delete"), "--pause-ms", "4000"]
    bench_txt.write("# " + " ".join(cmd) + "\n# host: load average " + open("/proc/loadavg").read())
    java = subprocess.Popen(cmd, stdout=bench_txt, stderr=subprocess.PIPE, text=True)
    phases, marks, current = {}, [], None
    for line in java.stderr:
        bench_txt.write(line); bench_txt.flush()
        if line.startswith("# pause"):
            time.sleep(2)  # PostgreSQL's backends publish their statistics within 1 s of going idle
            marks.append({"pg": pg_snapshot(), "metrics": metrics_snapshot(), "cpu_idle_end": cpu_snapshot()})
            current = line.split()[-1]
        elif line.startswith("# go") and current != "after":
            marks[-1]["cpu_start"] = cpu_snapshot()
        elif line.startswith("# phase "):
            _, _, name, s, e = line.split()
            marks[-1]["cpu_end"] = cpu_snapshot(); marks[-1]["phase"] = name; marks[-1]["window_ms"] = [int(s), int(e)]
    java.wait()
    result = []
    for a, b in zip(marks, marks[1:]):
        c0, c1 = a["cpu_start"], a["cpu_end"]
        p0, p1 = a["pg"], b["pg"]
        stmts = []
        for qid, s1 in p1["statements"].items():
            s0 = p0["statements"].get(qid, {"calls": 0, "ms": 0.0, "rows": 0})
            if s1["calls"] > s0["calls"]:
                stmts.append({"query": s1["query"], "calls": s1["calls"] - s0["calls"], "exec_ms": round(s1["ms"] - s0["ms"], 1), "rows": s1["rows"] - s0["rows"]})
        stmts.sort(key=lambda x: -x["calls"])
        m0, m1 = a["metrics"], b["metrics"]
        groups = m1["coord_store_commit_batch_size_count"] - m0["coord_store_commit_batch_size_count"]
        commits = m1["coord_store_commit_batch_size_sum"] - m0["coord_store_commit_batch_size_sum"]
        wall = c1["t"] - c0["t"]
        result.append({"phase": a["phase"], "window_ms": a["window_ms"], "wall_s": round(wall, 3),
                       "cpu_s": {k: round(c1[k] - c0[k], 2) for k in ("silo", "postgres", "java", "machine_busy")},
                       "machine_capacity_s": round(c1["machine_total"] - c0["machine_total"], 2),
                       "xact_commit": p1["xact_commit"] - p0["xact_commit"], "xact_rollback": p1["xact_rollback"] - p0["xact_rollback"],
                       "wal_sync": p1["wal_sync"] - p0["wal_sync"], "wal_write": p1["wal_write"] - p0["wal_write"],
                       "wal_bytes": p1["wal_bytes"] - p0["wal_bytes"],
                       "store_groups": groups, "store_commits": commits, "statements": stmts})
    json.dump(result, open(os.path.join(out, "phases.json"), "w"), indent=1)
finally:
    for p in aux:
        p.send_signal(signal.SIGINT)
    for p in aux:
        try: p.wait(timeout=60)
        except subprocess.TimeoutExpired: p.kill()
    if zookeeper: raise SystemExit(0)
    try: os.killpg(silo.pid, signal.SIGTERM); silo.wait(timeout=20)
    except Exception:
        try: os.killpg(silo.pid, signal.SIGKILL)
        except Exception: pass
