#!/usr/bin/env bash
# Connections beyond one process: N server nodes in one Akka.Cluster sharing one greeting port
# (--reuse-port), held by several `akkasockets load` processes (each under the 20,000 open-files
# limit) whose sessions think between a reply and the next name, then one node alone at its limit.
# Reports per run: peak open connections (the cluster's own status totals), sessions ok/failed,
# reply p99 and p99 minus the reply delay, server memory per connection (RSS growth over open
# connections, summed over nodes), and the first errors seen. Loopback only; every run is capped.
#
# Usage: bench/cluster-bench.sh [--nodes 4] [--loaders 4] [--per-loader 16000] [--ramp 400]
#                               [--think 30s] [--delay 1s] [--single 19000] [--skip-single]
#                               [--out bench/results/cluster-bench.json]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
rid="linux-$(uname -m | sed -e 's/x86_64/x64/' -e 's/aarch64/arm64/')"
if [[ -z "${AKKASOCKETS_PUBLISHED:-}" ]]; then
  dotnet publish src/AkkaSockets.Cli -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
    -o bench/results/publish/akkasockets -v q -nologo >/dev/null
fi
ulimit -n 20000 2>/dev/null || true
exec python3 - "$@" <<'PYTHON'
import argparse, json, os, re, signal, subprocess, sys, time

p = argparse.ArgumentParser()
p.add_argument("--nodes", type=int, default=4)
p.add_argument("--loaders", type=int, default=4)
p.add_argument("--per-loader", type=int, default=16000)
p.add_argument("--ramp", type=int, default=400, help="new connections per second, per loader")
p.add_argument("--think", default="30s")
p.add_argument("--delay", default="1s")
p.add_argument("--single", type=int, default=19000, help="connections for the one-node run")
p.add_argument("--skip-single", action="store_true")
p.add_argument("--out", default="bench/results/cluster-bench.json")
a = p.parse_args()
exe = os.environ.get("AKKASOCKETS_PUBLISHED", "bench/results/publish/akkasockets") + "/akkasockets"
# The load generator may come from another build (AKKASOCKETS_LOAD=path/to/akkasockets).
load_exe = os.environ.get("AKKASOCKETS_LOAD", exe)
CAP = 600  # seconds: every load run and wait is bounded by this

def log(*x): print(*x, file=sys.stderr, flush=True)

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0

def start_server(args):
    proc = subprocess.Popen([exe, "server", "--quiet", "--delay", a.delay, "--max-connections", "20000",
                             "--idle-timeout", "off", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    cport = None
    deadline = time.time() + 60
    line = proc.stdout.readline()
    m = re.match(r"Listening on .*:(\d+)$", line.strip())
    if not m:
        raise SystemExit(f"server did not start: {line!r} {proc.stderr.read()}")
    port = int(m.group(1))
    proc.stdout.readline()  # Waiting for connection...
    if "--cluster-port" in args:
        while time.time() < deadline:
            e = proc.stderr.readline()
            m = re.match(r"Cluster node akka\.tcp://akkasockets@[^:]+:(\d+)", e)
            if m:
                cport = int(m.group(1))
                break
    # Keep draining stderr so the node never blocks on a full pipe; keep the first lines.
    proc.errors = []
    def drain(stream, keep):
        for l in stream:
            if len(keep) < 200:
                keep.append(l.rstrip())
    import threading
    threading.Thread(target=drain, args=(proc.stderr, proc.errors), daemon=True).start()
    threading.Thread(target=drain, args=(proc.stdout, []), daemon=True).start()
    return proc, port, cport

def status(seed):
    r = subprocess.run([exe, "status", "--seed", f"127.0.0.1:{seed}", "--json", "--timeout", "30s"],
                       capture_output=True, text=True, timeout=90)
    if r.returncode != 0:
        return None
    return json.loads(r.stdout.strip().splitlines()[-1])

def loaders(port, n, per, ramp):
    procs = []
    for _ in range(n):
        procs.append(subprocess.Popen(
            [load_exe, "load", "--port", str(port), "--connections", str(per), "--sessions", str(per),
             "--ramp", str(ramp), "--think", a.think, "--expect-delay", a.delay, "--timeout", "30s",
             "--max-duration", f"{CAP}s", "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    return procs

def finish(procs):
    out = []
    for pr in procs:
        so, se = pr.communicate(timeout=CAP + 60)
        lines = [l for l in so.splitlines() if l.startswith("{")]
        out.append(json.loads(lines[-1]) if lines else {"error": se[-2000:]})
    return out

def summarize(name, servers, before, peak_rss, peak_open, results, extra):
    ok = sum(r.get("ok", 0) for r in results)
    failed = sum(r.get("failed", 0) for r in results)
    failures = {}
    for r in results:
        for k, v in (r.get("failures") or {}).items():
            failures[k] = failures.get(k, 0) + v
    p99 = max((r["reply_ms"]["p99"] for r in results if r.get("reply_ms")), default=None)
    over = max((r["over_delay_ms"]["p99"] for r in results if r.get("over_delay_ms")), default=None)
    grown = sum(peak_rss[i] - before[i] for i in range(len(servers)))
    row = {"run": name, "nodes": len(servers), "load_processes": len(results), "peak_open": peak_open,
           "ok": ok, "failed": failed, "failures": failures, "reply_p99_ms": p99,
           "reply_p99_minus_delay_ms": over, "server_rss_mib_at_peak": round(sum(peak_rss) / 1024, 1),
           "server_kib_per_connection": round(grown / peak_open, 2) if peak_open else None,
           "loaders_peak_open": [r.get("peak_open") for r in results], **extra}
    log(json.dumps(row))
    return row

def watch(procs, servers, seed):
    """Samples each node's RSS every second and, in a cluster, the status totals every 15
    seconds; returns the peak RSS per node and the largest open total the cluster reported."""
    peak_rss = [0] * len(servers)
    peak_open, samples, last_status = 0, [], 0.0
    end = time.time() + CAP + 60
    while any(pr.poll() is None for pr in procs) and time.time() < end:
        rss = [rss_kib(s.pid) for s in servers]
        peak_rss = [max(x, y) for x, y in zip(peak_rss, rss)]
        open_now = None
        if seed is not None and time.time() - last_status > 15:
            last_status = time.time()
            st = status(seed)
            if st:
                open_now = st["total"]["open"]
                peak_open = max(peak_open, open_now)
        samples.append({"t": round(time.time(), 1), "open": open_now, "rss_kib": rss})
        time.sleep(1)
    return peak_rss, peak_open, samples

rows = []
# The cluster: the first node starts it, the others join it; all on one greeting port.
seed_proc, port, seed = start_server(["--port", "0", "--reuse-port", "--cluster-port", "0"])
servers = [seed_proc]
for _ in range(a.nodes - 1):
    servers.append(start_server(["--port", str(port), "--reuse-port", "--cluster-port", "0",
                                 "--seed", f"127.0.0.1:{seed}"])[0])
deadline = time.time() + 120
while time.time() < deadline:
    s = status(seed)
    if s and sum(1 for m in s["members"] if m["status"] == "Up") == a.nodes:
        break
else:
    raise SystemExit("the cluster did not form")
time.sleep(3)
before = [rss_kib(s.pid) for s in servers]
log(f"cluster of {a.nodes} on port {port} (seed cluster port {seed}); RSS before {before} KiB")
t0 = time.time()
procs = loaders(port, a.loaders, a.per_loader, a.ramp)
peak_rss, peak_open, samples = watch(procs, servers, seed)
results = finish(procs)
final = status(seed)
per_node = {n["node"]: n["accepted"] for n in final["nodes"]} if final else {}
rows.append(summarize("cluster", servers, before, peak_rss, peak_open, results,
                      {"elapsed_s": round(time.time() - t0, 1), "accepted_per_node": per_node,
                       "status_total": final["total"] if final else None,
                       "server_errors": [e[:300] for s in servers for e in s.errors if "fail:" in e or "ERROR" in e][:10]}))
for s in servers:
    s.send_signal(signal.SIGTERM)
for s in servers:
    try:
        s.wait(timeout=60)
    except subprocess.TimeoutExpired:
        s.kill()

if not a.skip_single:
    # One node alone (no cluster) at its limit: one load process just under the open-files limit.
    single, sport, _ = start_server(["--port", "0"])
    time.sleep(2)
    before = [rss_kib(single.pid)]
    t0 = time.time()
    procs = loaders(sport, 1, a.single, a.ramp)
    peak_rss, _, samples1 = watch(procs, [single], None)
    results = finish(procs)
    peak_open = sum(r.get("peak_open", 0) for r in results)
    rows.append(summarize("one node", [single], before, peak_rss, peak_open, results,
                          {"elapsed_s": round(time.time() - t0, 1),
                           "server_errors": [e[:300] for e in single.errors if "fail:" in e or "ERROR" in e][:10]}))
    single.send_signal(signal.SIGTERM)
    try:
        single.wait(timeout=60)
    except subprocess.TimeoutExpired:
        single.kill()

with open(a.out, "w") as f:
    json.dump({"args": vars(a), "cores": os.cpu_count(), "kernel": os.uname().release,
               "load_average": os.getloadavg(), "rows": rows, "samples": samples}, f, indent=1)
print(f"{'run':10} {'nodes':>5} {'peak open':>10} {'ok':>8} {'failed':>7} {'p99 ms':>8} {'p99-delay':>10} {'KiB/conn':>9} {'RSS MiB':>8}")
for r in rows:
    print(f"{r['run']:10} {r['nodes']:>5} {r['peak_open']:>10} {r['ok']:>8} {r['failed']:>7} "
          f"{r['reply_p99_ms']!s:>8} {r['reply_p99_minus_delay_ms']!s:>10} {r['server_kib_per_connection']!s:>9} "
          f"{r['server_rss_mib_at_peak']:>8}")
PYTHON
