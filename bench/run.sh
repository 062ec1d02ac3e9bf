#!/usr/bin/env bash
# The server benchmark: akkasockets (direct transport), the same server on Akka.IO's transport,
# and four idiomatic peers (plain .NET, Go, Node.js, Python asyncio), in one run, each scenario
# driven by `akkasockets load` and by an independent C/epoll generator (bench/independent-load).
# Loopback only; every load is bounded in count and time.
#
#   bench/run.sh [--quick] [--repeat 3] [--sessions 15000] [--only NAME] [--skip burst|ramp|throughput]
#
# --quick: one run of each with 5000 sessions, a few minutes; the default (medians of 3 with
# 15,000 sessions) takes about half an hour. Needs gcc, python3, node and go (installed with
# apt-get when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results/publish

if ! command -v go >/dev/null; then
  echo "installing Go (golang-go) for the Go baseline" >&2
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y golang-go >/dev/null || { apt-get update >/dev/null && apt-get install -y golang-go >/dev/null; }
  else sudo apt-get install -y golang-go >/dev/null || { sudo apt-get update >/dev/null && sudo apt-get install -y golang-go >/dev/null; }
  fi
fi
command -v node >/dev/null || { echo "Node.js (node) is needed for the Node.js baseline" >&2; exit 1; }

# The server is published exactly as a user would: a plain Release publish. Whatever the
# bench's figures need (ReadyToRun, GC settings) must come from the project file itself.
dotnet publish src/AkkaSockets.Cli -c Release -o bench/results/publish/akkasockets -v q -nologo >/dev/null
# A ReadyToRun image carries the 'RTR' header signature; without it the first seconds of a burst
# are spent in the JIT, and the figures would not be a deployed server's.
if ! python3 -c "import sys; sys.exit(b'RTR\0' not in open(sys.argv[1], 'rb').read())" bench/results/publish/akkasockets/akkasockets.dll; then
  echo "run.sh: a plain Release publish is not ReadyToRun here; publishing with -p:PublishReadyToRun=true" >&2
  dotnet publish src/AkkaSockets.Cli -c Release -r "linux-$(uname -m | sed -e 's/x86_64/x64/' -e 's/aarch64/arm64/')" \
    --self-contained false -p:PublishReadyToRun=true -o bench/results/publish/akkasockets -v q -nologo >/dev/null
fi
# The plain .NET baseline gets ReadyToRun too, so the comparison is not with a cold JIT.
rid="linux-$(uname -m | sed -e 's/x86_64/x64/' -e 's/aarch64/arm64/')"
dotnet publish bench/baselines/PlainServer -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
  -o bench/results/publish/plain -v q -nologo >/dev/null
(cd bench/baselines/go && go build -o ../../results/publish/go/greeting-go .)
gcc -O2 -Wall -Wextra -o bench/results/loadgen bench/independent-load/loadgen.c
# Every side needs a descriptor per connection.
ulimit -n 20000 2>/dev/null || true
exec python3 bench/bench.py "$@"
