#!/usr/bin/env bash
# Fetch benchmark (not a test). A local Kestrel (bench/FetchBenchServer) serves bodies with a
# Content-Length over http:// and https:// on 127.0.0.1 (TLS with a CA it makes at start, handed
# to both clients as --cacert). For each scheme and size, `akkasockets fetch -o` and `curl -o`
# download the body RUNS times each, interleaved in the same run; the table gives medians of wall
# throughput and peak RSS (GNU time), and both files are compared byte for byte. The executable
# runs server GC (chosen for the server). CLIENTS picks the akkasockets builds for the large
# bodies: r2r (the README's `dotnet publish src/AkkaSockets.Cli -c Release -o out`, ReadyToRun, run
# as `dotnet out/akkasockets.dll`), built (dotnet build -c Release, what `dotnet run -c Release`
# runs), r2r_dyn (the publish with dynamic code left on), wks (the built one with
# DOTNET_gcServer=0), trimmed (a self-contained ReadyToRun publish
# with the framework trimmed, TrimMode=partial; not the project's default). Then the fixed cost of
# a small fetch: curl, akkasockets as built, ReadyToRun, ReadyToRun with dynamic code left on
# (the fetch turns it off by itself; an explicit runtimeconfig setting wins), with workstation GC,
# with Akka's stock scheduler and mailbox (--config). Loopback only; every step is bounded by a
# timeout.
#   SIZES_MIB="1024 4096" RUNS=3 SMALL_RUNS=7 CLIENTS="built trimmed" bench/fetch-bench.sh
# Bodies over 1 GiB (which only show that peak RSS does not grow) may be cut down with
# BIG_RUNS and BIG_SCHEMES. SIZES_MIB="" skips the large bodies, SMALL_RUNS=0 the small fetch, so
# the bench can be run in parts.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES_MIB=${SIZES_MIB-"1024 4096"}
SCHEMES=${SCHEMES:-"http https"}
CLIENTS=${CLIENTS:-"r2r built"}
RUNS=${RUNS:-3}
BIG_RUNS=${BIG_RUNS:-$RUNS}
BIG_SCHEMES=${BIG_SCHEMES:-$SCHEMES}
SMALL_RUNS=${SMALL_RUNS:-7}
STEP_TIMEOUT=600

[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time (GNU time) is missing: apt-get install -y time" >&2; exit 1; }
for tool in curl cmp dotnet python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "Building (Release, and a ReadyToRun publish)..." >&2
dotnet build -c Release src/AkkaSockets.Cli -v q -nologo >&2
dotnet build -c Release bench/FetchBenchServer -v q -nologo >&2
dotnet publish src/AkkaSockets.Cli -c Release -o "$work/r2r" -v q -nologo >&2
# The same publish with dynamic code left on: an explicit setting in runtimeconfig.json wins over
# the fetch command's own choice (src/AkkaSockets.Cli/Hosting/OneShotRuntime.cs).
cp -r "$work/r2r" "$work/r2r_dyn"
python3 - "$work/r2r_dyn/akkasockets.runtimeconfig.json" <<'PY'
import json, sys
path = sys.argv[1]
config = json.load(open(path))
config["runtimeOptions"]["configProperties"]["System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported"] = True
json.dump(config, open(path, "w"), indent=2)
PY
akka=(dotnet src/AkkaSockets.Cli/bin/Release/net10.0/akkasockets.dll fetch)
akka_r2r=(dotnet "$work/r2r/akkasockets.dll" fetch)
akka_r2r_dyn=(dotnet "$work/r2r_dyn/akkasockets.dll" fetch)
akka_trimmed=()
case " $CLIENTS " in
  *" trimmed "*)
    # Partial trimming: only the assemblies that declare themselves trimmable (the framework's)
    # lose what nothing references; Akka's and ours stay whole. Akka 1.5 is not trim-safe, so
    # the analyzer's warnings are silenced here: a measurement, not a shipped build.
    dotnet publish -c Release src/AkkaSockets.Cli -r linux-x64 --self-contained true -p:PublishTrimmed=true -p:TrimMode=partial \
      -p:SuppressTrimAnalysisWarnings=true -p:TreatWarningsAsErrors=false -o "$work/trimmed" -v q -nologo >&2
    akka_trimmed=("$work/trimmed/akkasockets" fetch)
    ;;
esac

dotnet bench/FetchBenchServer/bin/Release/net10.0/FetchBenchServer.dll "$work/ca.pem" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 1 300); do
  [ "$(wc -l <"$work/server.out")" -ge 2 ] && break
  sleep 0.1
done
http_base=$(sed -n 1p "$work/server.out")
https_base=$(sed -n 2p "$work/server.out")
[ -n "$https_base" ] || { echo "bench: the server did not start" >&2; cat "$work/server.err" >&2; exit 1; }
echo "Server: $http_base and $https_base (CA $work/ca.pem)" >&2

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# measure NAME OUTFILE CMD...: runs CMD under GNU time; appends "wall rss_kib" to $work/NAME.
measure() {
  local name=$1 out=$2
  shift 2
  rm -f "$out"
  # Every run starts with nothing left to write back: without this, a run pays for the previous
  # run's dirty pages (a 4 GiB body is more than the kernel lets sit unwritten).
  sync
  timeout "$STEP_TIMEOUT" /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" \
    || { echo "bench: $name failed:" >&2; cat "$work/stderr.txt" "$work/time.txt" >&2; exit 1; }
  cat "$work/time.txt" >>"$work/$name"
}

echo "uptime at start: $(uptime)"
if [ -n "$SIZES_MIB" ]; then
echo
echo "| scheme | body | akkasockets build | akkasockets MiB/s | curl MiB/s | akkasockets / curl | akkasockets peak RSS | curl peak RSS |"
echo "|---|---|---|---|---|---|---|---|"
for client in $CLIENTS; do
case $client in
  built) client_cmd=("${akka[@]}") ;;
  wks) client_cmd=(env DOTNET_gcServer=0 "${akka[@]}") ;;
  r2r) client_cmd=("${akka_r2r[@]}") ;;
  r2r_dyn) client_cmd=("${akka_r2r_dyn[@]}") ;;
  trimmed) client_cmd=("${akka_trimmed[@]}") ;;
  *) echo "bench: unknown client $client (r2r, r2r_dyn, built, wks, trimmed)" >&2; exit 2 ;;
esac
for scheme in $SCHEMES; do
  base=$http_base
  [ "$scheme" = https ] && base=$https_base
  for mib in $SIZES_MIB; do
    runs=$RUNS
    if [ "$mib" -gt 1024 ]; then
      runs=$BIG_RUNS
      case " $BIG_SCHEMES " in *" $scheme "*) ;; *) continue ;; esac
    fi
    url="$base/size/$mib.bin"
    rm -f "$work/akka" "$work/curl"
    for run in $(seq 1 "$runs"); do
      measure akka "$work/akka.bin" "${client_cmd[@]}" "$url" -o "$work/akka.bin" --cacert "$work/ca.pem"
      measure curl "$work/curl.bin" curl -sS --cacert "$work/ca.pem" -o "$work/curl.bin" "$url"
      if [ "$run" = 1 ]; then
        cmp -s "$work/akka.bin" "$work/curl.bin" || { echo "bench: the saved files differ ($url)" >&2; exit 1; }
        [ "$(stat -c %s "$work/akka.bin")" = $((mib * 1024 * 1024)) ] || { echo "bench: wrong size ($url)" >&2; exit 1; }
      fi
      rm -f "$work/akka.bin" "$work/curl.bin"
    done
    akka_s=$(cut -d' ' -f1 "$work/akka" | median)
    curl_s=$(cut -d' ' -f1 "$work/curl" | median)
    akka_rss=$(cut -d' ' -f2 "$work/akka" | median)
    curl_rss=$(cut -d' ' -f2 "$work/curl" | median)
    awk -v s="$scheme" -v mib="$mib" -v g="$client" -v a="$akka_s" -v c="$curl_s" -v ar="$akka_rss" -v cr="$curl_rss" 'BEGIN {
      printf "| %s | %d MiB | %s | %.0f | %.0f | %.2fx | %.0f MiB | %.0f MiB |\n", s, mib, g, mib / a, mib / c, c / a, ar / 1024, cr / 1024 }'
    echo "  ($scheme $mib MiB $client: medians of $runs; akkasockets $(tr '\n' ' ' <"$work/akka"), curl $(tr '\n' ' ' <"$work/curl")(wall s, RSS KiB))" >&2
  done
done
done
fi

if [ "$SMALL_RUNS" -gt 0 ]; then
echo
echo "Small fetch (empty body over http://), median of $SMALL_RUNS, interleaved:"
echo
echo "| client | wall | peak RSS |"
echo "|---|---|---|"
cat >"$work/light.hocon" <<'HOCON'
akka.scheduler.implementation = "Akka.Actor.HashedWheelTimerScheduler, Akka"
akka.actor.default-mailbox.mailbox-type = "Akka.Dispatch.UnboundedMailbox, Akka"
akka.actor.mailbox.unbounded-queue-based.mailbox-type = "Akka.Dispatch.UnboundedMailbox, Akka"
HOCON
names="curl built r2r r2r_dyn r2r_wks r2r_light"
[ ${#akka_trimmed[@]} -gt 0 ] && names="$names trimmed"
for name in $names; do rm -f "$work/small_$name"; done
for _ in $(seq 1 "$SMALL_RUNS"); do
  measure small_curl "$work/small" curl -sS -o "$work/small" "$http_base/empty.bin"
  measure small_built "$work/small" "${akka[@]}" "$http_base/empty.bin" -o "$work/small"
  measure small_r2r "$work/small" "${akka_r2r[@]}" "$http_base/empty.bin" -o "$work/small"
  measure small_r2r_dyn "$work/small" "${akka_r2r_dyn[@]}" "$http_base/empty.bin" -o "$work/small"
  measure small_r2r_wks "$work/small" env DOTNET_gcServer=0 "${akka_r2r[@]}" "$http_base/empty.bin" -o "$work/small"
  measure small_r2r_light "$work/small" "${akka_r2r[@]}" "$http_base/empty.bin" -o "$work/small" --config "$work/light.hocon"
  if [ ${#akka_trimmed[@]} -gt 0 ]; then
    measure small_trimmed "$work/small" "${akka_trimmed[@]}" "$http_base/empty.bin" -o "$work/small"
  fi
done
for name in $names; do
  label=$name
  case $name in
    built) label="akkasockets (dotnet build)" ;;
    r2r) label="akkasockets, ReadyToRun (dotnet publish)" ;;
    r2r_dyn) label="akkasockets, ReadyToRun, dynamic code left on" ;;
    r2r_wks) label="akkasockets, ReadyToRun, DOTNET_gcServer=0" ;;
    r2r_light) label="akkasockets, ReadyToRun, stock scheduler and mailbox" ;;
    trimmed) label="akkasockets, ReadyToRun, self-contained, framework trimmed" ;;
  esac
  wall=$(cut -d' ' -f1 "$work/small_$name" | median)
  rss=$(cut -d' ' -f2 "$work/small_$name" | median)
  awk -v l="$label" -v w="$wall" -v r="$rss" 'BEGIN { printf "| %s | %.2f s | %.0f MiB |\n", l, w, r / 1024 }'
done
fi
echo
echo "uptime at end: $(uptime)"
