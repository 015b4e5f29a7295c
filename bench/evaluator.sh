#!/usr/bin/env bash
# Runs allocopt-bench-evaluator (Release, 5 repetitions, medians) and rewrites the
# "Evaluator speed" section of bench/RESULTS.md. Usage: bash bench/evaluator.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DALLOCOPT_BUILD_BENCH=ON \
      -DALLOCOPT_BUILD_TESTS=OFF -DALLOCOPT_BUILD_CLI=OFF >/dev/null
cmake --build build-bench -j "$(nproc)" --target allocopt-bench-evaluator >/dev/null
json=$(mktemp)
./build-bench/bench/allocopt-bench-evaluator --benchmark_repetitions=5 \
    --benchmark_report_aggregates_only=true --benchmark_min_time=0.5 \
    --benchmark_out="$json" --benchmark_out_format=json >&2
python3 bench/results_section.py evaluator "$json" bench/RESULTS.md
rm -f "$json"
