#!/usr/bin/env bash
# Allocation checks of the Akka costs the code's comments rely on (BenchmarkDotNet, MemoryDiagnoser).
#   bench/Micro/run.sh [--filter '*Mailbox*']     default: all
# Results: bench/results/micro/results/*-report-github.md
set -euo pipefail
cd "$(dirname "$0")/../.."
args=("$@"); [[ ${#args[@]} -eq 0 ]] && args=(--filter '*')
dotnet run -c Release --project bench/Micro -- --artifacts bench/results/micro "${args[@]}"
