#!/usr/bin/env bash
# Distributed load: N `akkasockets load-worker` nodes coordinated by one `load --workers N`,
# against a cluster of server nodes sharing one greeting port (--reuse-port). Three runs, all on
# loopback and each capped:
#   1. held:   W x PER sessions open at once (they think between replies), the merged summary;
#   2. paced:  the same sessions without think time, ramped, for the latency comparison;
#   3. loadgen: the independent C generator (bench/independent-load, built with gcc), W processes
#              of PER sessions with the same ramp, against the same servers.
# Prints one table (peak open, ok, failed, p50/p99/max) and writes the rows as JSON.
#
# Usage: bench/distributed-load.sh [--servers 4] [--workers 4] [--per-worker 15000] [--ramp 2000]
#                                  [--think 30s] [--delay 1s] [--out bench/results/distributed-load.json]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results/distributed-load
rid="linux-$(uname -m | sed -e 's/x86_64/x64/' -e 's/aarch64/arm64/')"
if [[ -z "${AKKASOCKETS_PUBLISHED:-}" ]]; then
  dotnet publish src/AkkaSockets.Cli -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
    -o bench/results/publish/akkasockets -v q -nologo >/dev/null
fi
gcc -O2 -Wall -Wextra -o bench/results/distributed-load/loadgen bench/independent-load/loadgen.c
ulimit -n 20000
exec python3 - "$@" <<'PYTHON'
import argparse, json, os, re, signal, subprocess, sys, threading, time

p = argparse.ArgumentParser()
p.add_argument("--servers", type=int, default=4)
p.add_argument("--workers", type=int, default=4)
p.add_argument("--per-worker", type=int, default=15000)
p.add_argument("--ramp", type=int, default=2000, help="new connections per second, in all")
p.add_argument("--think", default="30s")
p.add_argument("--delay", default="1s")
p.add_argument("--out", default="bench/results/distributed-load.json")
a = p.parse_args()
exe = os.environ.get("AKKASOCKETS_PUBLISHED", "bench/results/publish/akkasockets") + "/akkasockets"
loadgen = "bench/results/distributed-load/loadgen"
CAP = 300  # seconds: every run and wait is bounded by this
total = a.workers * a.per_worker

def log(*x): print(*x, file=sys.stderr, flush=True)

def drain(stream, keep):
    for line in stream:
        if len(keep) < 300:
            keep.append(line.rstrip())

def start(args, wait_for):
    """Starts a node and waits (bounded) for a stderr or stdout line matching wait_for."""
    proc = subprocess.Popen([exe, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.lines = []
    deadline = time.time() + 60
    found = None
    streams = {"out": proc.stdout, "err": proc.stderr}
    which, pattern = wait_for
    while time.time() < deadline and found is None:
        line = streams[which].readline()
        if not line:
            break
        proc.lines.append(line.rstrip())
        found = re.search(pattern, line)
    if found is None:
        raise SystemExit(f"{args[0]} did not start: {proc.lines[-5:]}")
    for s in streams.values():
        threading.Thread(target=drain, args=(s, proc.lines), daemon=True).start()
    return proc, found

def stop(procs):
    for pr in procs:
        pr.send_signal(signal.SIGTERM)
    for pr in procs:
        try:
            pr.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pr.kill()

NODE = r"Cluster node akka\.tcp://akkasockets@[^:]+:(\d+)"
server_args = ["server", "--quiet", "--delay", a.delay, "--max-connections", "20000", "--idle-timeout", "off", "--reuse-port"]
seed_proc, m = start([*server_args, "--port", "0", "--cluster-port", "0"], ("out", r"Listening on .*:(\d+)$"))
port = int(m.group(1))
seed = None
deadline = time.time() + 60
while seed is None and time.time() < deadline:
    seed = next((int(re.search(NODE, l).group(1)) for l in list(seed_proc.lines) if re.search(NODE, l)), None)
    time.sleep(0.2)
servers = [seed_proc] + [start([*server_args, "--port", str(port), "--cluster-port", "0", "--seed", f"127.0.0.1:{seed}"],
                               ("out", r"Waiting for connection"))[0] for _ in range(a.servers - 1)]
# The workers join the servers' cluster (the servers vote in its Split Brain Resolver).
workers = [start(["load-worker", "--cluster-port", "0", "--seed", f"127.0.0.1:{seed}"], ("err", NODE))[0]
           for _ in range(a.workers)]
log(f"{a.servers} servers on port {port}, {a.workers} load workers; seed cluster port {seed}")

def distributed(name, extra):
    t0 = time.time()
    r = subprocess.run([exe, "load", "--workers", str(a.workers), "--seed", f"127.0.0.1:{seed}", "--workers-timeout", "120s",
                        "--port", str(port), "--connections", str(total), "--sessions", str(total), "--ramp", str(a.ramp),
                        "--expect-delay", a.delay, "--timeout", "30s", "--max-duration", f"{CAP}s", "--json", *extra],
                       capture_output=True, text=True, timeout=CAP + 120)
    lines = [l for l in r.stdout.splitlines() if l.startswith("{")]
    if not lines:
        log(r.stderr[-3000:])
        raise SystemExit(f"{name}: load exited {r.returncode} without JSON")
    j = json.loads(lines[-1])
    log("\n".join(l for l in r.stderr.splitlines() if l.startswith(("Sessions", "Failures", "Reply", "Peak", "Worker"))))
    return {"run": name, "command": f"load --workers {a.workers} --connections {total} --sessions {total} --ramp {a.ramp} {' '.join(extra)}",
            "exit": r.returncode, "peak_open": j["peak_open"], "ok": j["ok"], "failed": j["failed"], "failures": j["failures"],
            "replies": j["replies"], "reply_ms": j["reply_ms"], "elapsed_s": round(time.time() - t0, 1),
            "workers": [{k: w[k] for k in ("address", "ok", "failed", "peak_open", "reply_ms", "lost")} for w in j["workers"]]}

def independent():
    t0 = time.time()
    per_ramp = max(1, a.ramp // a.workers)
    procs = [subprocess.Popen([loadgen, str(port), str(a.per_worker), str(a.per_worker), str(per_ramp), "30", str(CAP), "250"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(a.workers)]
    results = []
    for pr in procs:
        so, se = pr.communicate(timeout=CAP + 60)
        log(se.strip())
        results.append(json.loads(so.strip().splitlines()[-1]))
    return {"run": "loadgen", "command": f"{a.workers} x loadgen {port} {a.per_worker} {a.per_worker} {per_ramp} 30 {CAP} 250",
            "peak_open": sum(r["peak_open"] for r in results), "ok": sum(r["ok"] for r in results),
            "failed": sum(r["failed"] for r in results), "replies": sum(r["replies"] for r in results),
            # Each process reports its own percentiles: the worst of them, and their spread.
            "reply_ms": {k: max(r["reply_ms"][k] for r in results) for k in ("p50", "p99", "max")},
            "reply_p99_ms_per_process": [r["reply_ms"]["p99"] for r in results],
            "elapsed_s": round(time.time() - t0, 1)}

rows = []
try:
    rows.append(distributed("held", ["--think", a.think]))
    rows.append(distributed("paced", []))
    rows.append(independent())
finally:
    stop(workers)
    stop(servers)

with open(a.out, "w") as f:
    json.dump({"args": vars(a), "cores": os.cpu_count(), "kernel": os.uname().release, "load_average": os.getloadavg(),
               "rows": rows}, f, indent=1)
print(f"{'run':8} {'peak open':>10} {'ok':>7} {'failed':>7} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9} {'elapsed s':>10}")
for r in rows:
    lat = r["reply_ms"] or {}
    print(f"{r['run']:8} {r['peak_open']:>10} {r['ok']:>7} {r['failed']:>7} {lat.get('p50')!s:>9} {lat.get('p99')!s:>9} "
          f"{lat.get('max')!s:>9} {r['elapsed_s']:>10}")
PYTHON
