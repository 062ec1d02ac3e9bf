#!/usr/bin/env bash
# Builds Release and runs the server benchmark: akkasockets server against the plain .NET and the
# Python asyncio baselines, in one run, each scenario driven by `akkasockets load` and by an
# independent C/epoll generator (bench/independent-load/loadgen.c). Loopback only; every
# load is bounded in count and time. Usage: bench/run.sh [--repeat 3] [--sessions 15000] [--only NAME]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/AkkaSockets.Cli -c Release -v q -nologo >/dev/null
dotnet build bench/baselines/PlainServer -c Release -v q -nologo >/dev/null
mkdir -p bench/results
gcc -O2 -Wall -Wextra -o bench/results/loadgen bench/independent-load/loadgen.c
# Every side needs a descriptor per connection.
ulimit -n 20000 2>/dev/null || true
exec python3 bench/bench.py "$@"
