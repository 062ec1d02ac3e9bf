#!/usr/bin/env bash
# Runs `akkasockets load` and an independent C/epoll load generator, one after the other,
# against the same `akkasockets server` (loopback, free port), and compares their reply latency.
#
#   bench/compare-load.sh [SESSIONS] [RAMP_PER_S]        defaults: 15000 1000
#   SKIP_BUILD=1 to reuse the last Release build.
#
# Writes bench/results/{akka,independent}.json and prints both p50/p99 and the p50 difference.
set -euo pipefail
cd "$(dirname "$0")/.."

SESSIONS="${1:-15000}"
RAMP="${2:-1000}"
OUT=bench/results
mkdir -p "$OUT"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  dotnet build -c Release src/AkkaSockets.Cli -nologo -v quiet
fi
gcc -O2 -Wall -Wextra -o "$OUT/loadgen" bench/independent-load/loadgen.c
APP=(dotnet src/AkkaSockets.Cli/bin/Release/net10.0/akkasockets.dll)

# Both generators and the server need a descriptor per connection.
ulimit -n 20000 2>/dev/null || true

SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

# The server accepts every session of the run (default max-connections is 10000).
"${APP[@]}" server --host 127.0.0.1 --port 0 --quiet --max-connections 20000 >"$OUT/server.out" 2>"$OUT/server.err" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 300); do
  PORT=$(sed -n 's/^Listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$OUT/server.out" | head -n1)
  [[ -n "$PORT" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/server.err" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$PORT" ]] || { echo "server did not start" >&2; exit 1; }
echo "server on 127.0.0.1:$PORT"

# Every run is capped in time as well as in count.
echo "akkasockets load --connections $SESSIONS --ramp $RAMP --json"
timeout 600 "${APP[@]}" load --port "$PORT" --connections "$SESSIONS" --ramp "$RAMP" --max-duration 5m --json \
  2>"$OUT/akka.err" | tee "$OUT/akka.txt" || true
tail -n1 "$OUT/akka.txt" >"$OUT/akka.json"

echo "loadgen $PORT $SESSIONS $SESSIONS $RAMP 10 300"
timeout 600 "$OUT/loadgen" "$PORT" "$SESSIONS" "$SESSIONS" "$RAMP" 10 300 >"$OUT/independent.json" || true
cat "$OUT/independent.json"

python3 - "$OUT/akka.json" "$OUT/independent.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); c = json.load(open(sys.argv[2]))
ra, rc = a["reply_ms"], c["reply_ms"]
print(f"akkasockets load : ok {a['ok']} failed {a['failed']} p50 {ra['p50']:.1f} ms  p99 {ra['p99']:.1f} ms  peak open {a['peak_open']}")
print(f"independent (C)  : ok {c['ok']} failed {c['failed']} p50 {rc['p50']:.1f} ms  p99 {rc['p99']:.1f} ms  peak open {c['peak_open']}")
d = ra["p50"] - rc["p50"]
print(f"p50 difference   : {d:+.1f} ms ({'within' if abs(d) <= 20 else 'OUTSIDE'} 20 ms)")
PY
