#!/usr/bin/env bash
# Profiles one akkasockets server under one load from the independent C generator, so every
# figure comes with the command that made it. Loopback only; the load is bounded in count and time.
#
#   bench/profile/profile.sh MODE SCENARIO [SESSIONS] [-- extra server flags]
#     MODE      counters  allocated bytes, GC count and pause, CPU: totals over the load, per session
#               perf      CPU samples (perf record, .NET frames named through the perf map)
#               alloc     sampled allocations by type (dotnet-trace, AllocationTick every ~100 KB)
#               gc        every collection: when (from the load's start), generation, pause, promoted
#     SCENARIO  burst (all at once) | ramp (1000/s) | zero (no reply delay, 100 at a time)
#
# Uses the build in bench/results/publish/akkasockets (bench/run.sh makes it), or APP=dir.
# Writes bench/results/profile/<mode>-<scenario>.*; prints a summary.
set -euo pipefail
cd "$(dirname "$0")/../.."
MODE=${1:?mode}; SCENARIO=${2:?scenario}; N=${3:-15000}
shift $(( $# >= 3 ? 3 : $# )); [[ "${1:-}" == "--" ]] && shift
APP=${APP:-bench/results/publish/akkasockets}
OUT=bench/results/profile; mkdir -p "$OUT"
TOOLS=${DOTNET_TOOLS:-$HOME/.dotnet/tools}
ulimit -n 20000 2>/dev/null || true
# Every profiler runs for a fixed time that covers the load (they do not stop cleanly on a
# signal from a non-interactive shell); SECONDS_CAP overrides it.
[[ -x bench/results/loadgen ]] || gcc -O2 -Wall -Wextra -o bench/results/loadgen bench/independent-load/loadgen.c

delay=1s; conns=$N; ramp=0; span=$(( 12 + N / 2000 ))
case $SCENARIO in
  burst) ;;
  ramp) ramp=1000; span=$(( 8 + N / 1000 )) ;;
  zero) delay=0s; conns=100 ;;
  *) echo "unknown scenario $SCENARIO" >&2; exit 2 ;;
esac

env=()
# perf names only JIT-compiled .NET code (through /tmp/perf-PID.map), not ReadyToRun code: the
# perf mode runs everything JIT-compiled, fully optimised at once, in plain (not double-mapped)
# memory, and warms up before recording.
[[ $MODE == perf ]] && env=(DOTNET_PerfMapEnabled=1 DOTNET_ReadyToRun=0 DOTNET_TieredCompilation=0 DOTNET_EnableWriteXorExecute=0)
env "${env[@]}" dotnet "$APP/akkasockets.dll" server --port 0 --quiet --delay "$delay" --max-connections 20000 "$@" \
  >"$OUT/server.out" 2>"$OUT/server.err" &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true' EXIT
PORT=""
for _ in $(seq 1 300); do
  PORT=$(sed -n 's/^Listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$OUT/server.out" | head -n1)
  [[ -n "$PORT" ]] && break
  sleep 0.1
done
[[ -n "$PORT" ]] || { cat "$OUT/server.err" >&2; exit 1; }
sleep 1

span=${SECONDS_CAP:-$span}
if [[ $MODE == perf ]]; then
  bench/results/loadgen "$PORT" 2000 2000 0 60 60 16 >/dev/null 2>&1 || true
  sleep 2
fi
base="$OUT/$MODE-$SCENARIO"
cpu() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
case $MODE in
  counters)
    rm -f "$base.csv"
    "$TOOLS/dotnet-counters" collect -p "$SERVER" --refresh-interval 1 --format csv -o "$base.csv" --duration "00:00:00:$span" \
      --counters "System.Runtime[dotnet.thread_pool.work_item.count,dotnet.thread_pool.queue.length,dotnet.monitor.lock_contentions,dotnet.gc.heap.total_allocated,dotnet.gc.collections,dotnet.gc.pause.time,dotnet.gc.last_collection.heap.size,dotnet.process.memory.working_set]" \
      >/dev/null 2>&1 &
    WATCH=$!; sleep 2 ;;
  perf)
    perf record -F 999 -g -p "$SERVER" -o "$base.data" -- sleep "$span" >/dev/null 2>&1 &
    WATCH=$!; sleep 1 ;;
  alloc)
    "$TOOLS/dotnet-trace" collect -p "$SERVER" -o "$base.nettrace" --duration "00:00:00:$span" \
      --providers "Microsoft-Windows-DotNETRuntime:0x1:5" >/dev/null 2>&1 &
    WATCH=$!; sleep 3 ;;
  gc)
    "$TOOLS/dotnet-trace" collect -p "$SERVER" -o "$base.nettrace" --duration "00:00:00:$span" \
      --providers "Microsoft-Windows-DotNETRuntime:0x1:4" >/dev/null 2>&1 &
    WATCH=$!; sleep 3 ;;
  *) echo "unknown mode $MODE" >&2; exit 2 ;;
esac

rss0=$(awk '/VmRSS/{print $2}' "/proc/$SERVER/status"); cpu0=$(cpu)
load_start=$(date +%s.%N)
timeout 400 bench/results/loadgen "$PORT" "$N" "$conns" "$ramp" 60 300 16 >"$base.load.json" 2>"$base.load.txt" || true
sleep 1
cpu1=$(cpu); hwm=$(awk '/VmHWM/{print $2}' "/proc/$SERVER/status")
wait "$WATCH" 2>/dev/null || true
cat "$base.load.txt"
python3 - "$base" "$rss0" "$hwm" "$cpu0" "$cpu1" "$(getconf CLK_TCK)" "$MODE" <<'PY'
import csv, json, sys
base, rss0, hwm, cpu0, cpu1, clk, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
load = json.load(open(base + '.load.json'))
ok = max(load['ok'], 1)
cpu = (cpu1 - cpu0) / clk
print(f"sessions ok {load['ok']} failed {load['failed']}; greeting p99 {load['greeting_ms']['p99']:.1f} ms; reply p99 {load['reply_ms']['p99']:.1f} ms")
print(f"server CPU {cpu:.2f} s = {1000 * cpu / ok:.3f} ms/session; idle RSS {rss0 / 1024:.1f} MiB; peak {hwm / 1024:.1f} MiB = {(hwm - rss0) / max(load['peak_open'], 1):.2f} KiB/conn")
if mode == 'counters':
    # dotnet-counters writes each counter once a second: rates (per second) and gauges.
    rates, gauges = {}, {}
    for r in list(csv.reader(open(base + '.csv')))[1:]:
        if len(r) < 5:
            continue
        try:
            value = float(r[4])
        except ValueError:
            continue
        (rates if r[3] == 'Rate' else gauges).setdefault(r[2], []).append(value)
    for name, values in sorted(rates.items()):
        # Less what the process allocates idle (the counters session itself): the quietest second.
        idle = min(values) if len(values) >= 8 else 0
        total = sum(v - idle for v in values)
        if 'total_allocated' in name:
            print(f"allocated {total / 1048576:.1f} MiB = {total / ok:.0f} B/session (idle {idle / 1024:.0f} KiB/s subtracted)")
        elif 'collections' in name:
            print(f"GCs {name.split('[')[-1].rstrip(']')}: {total:.0f}")
        elif 'pause' in name:
            print(f"GC pause total {1000 * total:.0f} ms")
        elif 'work_item' in name or 'lock_contentions' in name:
            print(f"{name}: {total:.0f} = {total / ok:.1f} per session")
    for name, values in sorted(gauges.items()):
        if 'queue.length' in name:
            # Work items waiting for a pool thread, sampled once a second: mailbox runs queueing.
            print(f"{name}: max {max(values):.0f}, per second {' '.join(f'{v:.0f}' for v in values)}")
        else:
            print(f"{name}: max {max(values) / 1048576:.1f} MiB, last {values[-1] / 1048576:.1f} MiB")
PY
if [[ $MODE == alloc || $MODE == gc ]]; then
  dotnet build bench/profile/AllocTicks -c Release -o bench/results/alloc-ticks -v q -nologo >/dev/null
fi
if [[ $MODE == alloc ]]; then
  dotnet bench/results/alloc-ticks/AllocTicks.dll "$base.nettrace" "$(python3 -c "import json; print(json.load(open('$base.load.json'))['ok'])")" 30
elif [[ $MODE == gc ]]; then
  dotnet bench/results/alloc-ticks/AllocTicks.dll --gc "$base.nettrace" "$load_start"
fi
