#!/usr/bin/env bash
# Builds Release and runs the server benchmark: akkasockets server against the plain .NET and the
# Python asyncio baselines, all driven by `akkasockets load`, in one run. Loopback only; every
# load is bounded in count and time. Usage: bench/run.sh [--repeat 3] [--sessions 15000] [--only NAME]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/AkkaSockets.Cli -c Release -v q -nologo >/dev/null
dotnet build bench/baselines/PlainServer -c Release -v q -nologo >/dev/null
exec python3 bench/bench.py "$@"
