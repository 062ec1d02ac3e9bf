#!/usr/bin/env bash
# Soak: minutes of mixed well-behaved and abusive load against a Release server on loopback, its
# RSS sampled every second into bench/results/soak.csv, then a summary (is memory flat?).
# Not run in CI. Usage: bench/soak.sh [--minutes 10] [--delay-ms 100] [--sessions 100] [--storm 300] [--max-connections 400]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/AkkaSockets.Cli -c Release -v q -nologo >/dev/null
mkdir -p bench/results
exec python3 bench/soak.py "$@"
