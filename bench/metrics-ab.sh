#!/usr/bin/env bash
# Server cost of the metrics: the server built from REF (before the instruments) against the
# working tree, with no listener and with --metrics-port (OpenTelemetry aggregating), runs
# alternating. Each run: zero-delay `akkasockets load` sessions over loopback; server CPU seconds
# from /proc and bytes allocated from dotnet-counters (System.Runtime's
# dotnet.gc.heap.total_allocated, its idle rate subtracted), both per session; medians printed.
#
#   bench/metrics-ab.sh REF [RUNS] [SESSIONS] [WINDOW_S]   defaults: 3 runs, 3000 sessions, 30 s
#
# dotnet-counters samples every second for WINDOW_S seconds (it writes its file when its
# --duration ends); the load must finish inside the window, or the run is refused.
#
# Needs dotnet-counters on PATH (dotnet tool install --global dotnet-counters).
set -euo pipefail
cd "$(dirname "$0")/.."

REF="${1:?usage: bench/metrics-ab.sh REF [RUNS] [SESSIONS]}"
RUNS="${2:-3}"
SESSIONS="${3:-3000}"
WINDOW="${4:-30}"
OUT=bench/results/metrics-ab
mkdir -p "$OUT"
ulimit -n 20000 2>/dev/null || true

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  rm -rf "$OUT/src-before" && mkdir -p "$OUT/src-before"
  git archive "$REF" | tar -x -C "$OUT/src-before"
  dotnet build -c Release "$OUT/src-before/src/AkkaSockets.Cli" -o "$OUT/before" -nologo -v quiet
  dotnet build -c Release src/AkkaSockets.Cli -o "$OUT/after" -nologo -v quiet
fi
TICKS=$(getconf CLK_TCK)

run() { # name dir extra-server-args...
  local name=$1 dir=$2; shift 2
  "$dir/akkasockets" server --port 0 --delay 0s --quiet --max-connections 20000 "$@" >"$OUT/server.out" 2>"$OUT/server.err" &
  local server=$! port=""
  for _ in $(seq 1 300); do
    port=$(sed -n 's/^Listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$OUT/server.out" | head -n1)
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  [[ -n "$port" ]] || { echo "server did not start" >&2; kill -KILL "$server"; return 1; }
  dotnet-counters collect -p "$server" --counters 'System.Runtime[dotnet.gc.heap.total_allocated]' \
    --refresh-interval 1 --format csv -o "$OUT/alloc.csv" --duration "00:00:00:$WINDOW" >/dev/null 2>&1 &
  local counters=$!
  sleep 4 # idle seconds: the baseline rate
  local started=$SECONDS
  local cpu0; cpu0=$(awk '{print $14 + $15}' "/proc/$server/stat")
  timeout 300 "$dir/akkasockets" load --port "$port" --connections 50 --sessions "$SESSIONS" --expect-delay 0s --json \
    2>/dev/null | tail -n1 >"$OUT/load.json"
  local cpu1; cpu1=$(awk '{print $14 + $15}' "/proc/$server/stat")
  if (( SECONDS - started + 3 >= WINDOW )); then
    echo "$name: the load took longer than the ${WINDOW}s window; use fewer sessions or a longer window" >&2
    kill -TERM "$counters" "$server" 2>/dev/null || true
    return 1
  fi
  wait "$counters" || true
  kill -TERM "$server"; wait "$server" || true
  python3 - "$name" "$OUT/alloc.csv" "$OUT/load.json" "$cpu0" "$cpu1" "$TICKS" <<'PY' | tee -a "$OUT/runs.txt"
import csv, json, statistics, sys
name, alloc, load, cpu0, cpu1, ticks = sys.argv[1:]
rates = [float(r["Mean/Increment"]) for r in csv.DictReader(open(alloc))]
# The first samples are idle (before the load) and so are the last: their median is the idle rate.
idle = statistics.median(rates[:3] + rates[-2:])
allocated = sum(rates) - idle * len(rates)
summary = json.loads(open(load).read())
ok = summary["ok"]
cpu = (int(cpu1) - int(cpu0)) / int(ticks)
print(f"{name} ok={ok} failed={summary['failed']} cpu_s={cpu:.2f} cpu_ms_per_session={1000 * cpu / ok:.3f} "
      f"alloc_bytes_per_session={allocated / ok:.0f}")
PY
}

: >"$OUT/runs.txt"
for i in $(seq 1 "$RUNS"); do
  echo "round $i/$RUNS" >&2
  run before "$OUT/before"
  run after "$OUT/after"
  run after+prometheus "$OUT/after" --metrics-port "${METRICS_PORT:-19464}"
done

python3 - "$OUT/runs.txt" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name = line.split()[0]
    fields = dict(re.findall(r"(\w+)=([\d.]+)", line))
    rows.setdefault(name, []).append(fields)
print(f"{'server':18} {'runs':>4} {'cpu ms/session':>15} {'alloc B/session':>16}   (medians)")
for name, runs in rows.items():
    cpu = statistics.median(float(r["cpu_ms_per_session"]) for r in runs)
    alloc = statistics.median(float(r["alloc_bytes_per_session"]) for r in runs)
    print(f"{name:18} {len(runs):>4} {cpu:>15.3f} {alloc:>16.0f}")
PY
