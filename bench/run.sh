#!/usr/bin/env bash
# Publishes Release (ReadyToRun) and runs the server benchmark: akkasockets server (and the same
# server on Akka.IO's transport) against the plain .NET and the Python asyncio baselines, in one run, each scenario driven by `akkasockets load` and by an
# independent C/epoll generator (bench/independent-load/loadgen.c). Loopback only; every
# load is bounded in count and time. Usage: bench/run.sh [--repeat 3] [--sessions 15000] [--only NAME]
set -euo pipefail
cd "$(dirname "$0")/.."
# Both .NET servers (and the load generator) run as published ReadyToRun builds, as a service
# would be deployed: without it the first seconds of a burst are spent in the JIT.
mkdir -p bench/results
rid="linux-$(uname -m | sed -e 's/x86_64/x64/' -e 's/aarch64/arm64/')"
dotnet publish src/AkkaSockets.Cli -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
  -o bench/results/publish/akkasockets -v q -nologo >/dev/null
dotnet publish bench/baselines/PlainServer -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
  -o bench/results/publish/plain -v q -nologo >/dev/null
gcc -O2 -Wall -Wextra -o bench/results/loadgen bench/independent-load/loadgen.c
# Every side needs a descriptor per connection.
ulimit -n 20000 2>/dev/null || true
exec python3 bench/bench.py "$@"
