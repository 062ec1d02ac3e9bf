#!/usr/bin/env bash
# Fetch benchmark (not a test): a local Kestrel serves a chunked body of SIZE_MIB MiB (default
# 256) on 127.0.0.1; `akkasockets fetch` and `curl -s -o` each download it RUNS times (default 3).
# Prints the median throughput of each, akkasockets' peak RSS (must stay under 200 MiB), and
# checks that both saved files are identical (sha256). Loopback only; every step is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MIB=${SIZE_MIB:-256}
RUNS=${RUNS:-3}
RSS_LIMIT_KIB=$((200 * 1024))
STEP_TIMEOUT=300

if [ ! -x /usr/bin/time ]; then
  echo "bench: /usr/bin/time (GNU time) is missing; install it with: apt-get install -y time" >&2
  exit 1
fi
for tool in curl sha256sum dotnet; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "Building (Release)..." >&2
dotnet build -c Release src/AkkaSockets.Cli -v q -nologo >&2
dotnet build -c Release bench/FetchBenchServer -v q -nologo >&2

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

dotnet bench/FetchBenchServer/bin/Release/net10.0/FetchBenchServer.dll "$SIZE_MIB" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 1 300); do
  [ -s "$work/server.out" ] && break
  sleep 0.1
done
base=$(head -n1 "$work/server.out")
[ -n "$base" ] || { echo "bench: the server did not start" >&2; cat "$work/server.err" >&2; exit 1; }
url="$base/body.bin"
echo "Server: $url ($SIZE_MIB MiB, chunked)" >&2

now() { date +%s.%N; }
mibps() { awk -v mib="$SIZE_MIB" -v s="$1" 'BEGIN { printf "%.1f", mib / s }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

akka_times=() curl_times=() rss=() akka_fixed=() curl_fixed=()
for run in $(seq 1 "$RUNS"); do
  rm -f "$work/akka.bin" "$work/curl.bin"

  # The fixed cost of one run (process start-up, connect, exit), measured on an empty body.
  start=$(now)
  timeout "$STEP_TIMEOUT" dotnet src/AkkaSockets.Cli/bin/Release/net10.0/akkasockets.dll fetch "$base/empty.bin" -o "$work/empty" >/dev/null
  akka_fixed+=("$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')")
  start=$(now)
  timeout "$STEP_TIMEOUT" curl -s -o "$work/empty" "$base/empty.bin"
  curl_fixed+=("$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')")

  start=$(now)
  timeout "$STEP_TIMEOUT" /usr/bin/time -v -o "$work/time.txt" \
    dotnet src/AkkaSockets.Cli/bin/Release/net10.0/akkasockets.dll fetch "$url" -o "$work/akka.bin" >/dev/null
  end=$(now)
  akka_times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')")
  rss+=("$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")")

  start=$(now)
  timeout "$STEP_TIMEOUT" curl -s -o "$work/curl.bin" "$url"
  end=$(now)
  curl_times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')")

  akka_sum=$(sha256sum "$work/akka.bin" | cut -d' ' -f1)
  curl_sum=$(sha256sum "$work/curl.bin" | cut -d' ' -f1)
  echo "run $run: akkasockets ${akka_times[-1]}s rss ${rss[-1]} KiB, curl ${curl_times[-1]}s, sha256 $([ "$akka_sum" = "$curl_sum" ] && echo identical || echo DIFFERENT)" >&2
  if [ "$akka_sum" != "$curl_sum" ]; then
    echo "bench: the saved files differ" >&2
    exit 1
  fi
done

akka_median=$(printf '%s\n' "${akka_times[@]}" | median)
curl_median=$(printf '%s\n' "${curl_times[@]}" | median)
akka_fixed_median=$(printf '%s\n' "${akka_fixed[@]}" | median)
curl_fixed_median=$(printf '%s\n' "${curl_fixed[@]}" | median)
peak_rss=$(printf '%s\n' "${rss[@]}" | sort -g | tail -n1)
size=$(stat -c %s "$work/akka.bin")

echo "body:        $SIZE_MIB MiB chunked ($size bytes), sha256 $akka_sum (akkasockets = curl)"
echo "akkasockets: $(mibps "$akka_median") MiB/s (median of $RUNS, ${akka_median}s), peak RSS $((peak_rss / 1024)) MiB"
echo "curl:        $(mibps "$curl_median") MiB/s (median of $RUNS, ${curl_median}s)"
echo "fixed cost per run (empty body): akkasockets ${akka_fixed_median}s, curl ${curl_fixed_median}s"
echo "transfer only (minus fixed cost): akkasockets $(mibps "$(awk -v a="$akka_median" -v b="$akka_fixed_median" 'BEGIN { print a - b }')") MiB/s, curl $(mibps "$(awk -v a="$curl_median" -v b="$curl_fixed_median" 'BEGIN { print a - b }')") MiB/s"

if [ "$peak_rss" -ge "$RSS_LIMIT_KIB" ]; then
  echo "bench: peak RSS $((peak_rss / 1024)) MiB is not under 200 MiB" >&2
  exit 1
fi
