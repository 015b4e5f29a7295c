#!/usr/bin/env bash
# GPU-sharing harness (issue #16): the six placement policies of Weng et al. (ATC 2023) on the
# four Alibaba traces in problems/alibaba-gpu/, ten seeds each, with `allocopt replay`; every
# run re-checked by bench/fgd.py on a plain model of the cluster and compared with the
# published medians (bench/fgd-published-results.csv). Also times one FGD replay on one core
# and the whole matrix, and runs the Google Benchmark cases of bench/sharing_bench.cpp.
# Rewrites the `fgd` section of bench/RESULTS.md and bench/results/fgd.json.
#
#   bash bench/fgd.sh [--build-dir DIR] [--no-build] [--seeds 42-51] [--threads 2] [--no-write]
#
# Builds the CLI (and, with -DALLOCOPT_BUILD_BENCH=ON, the benchmark) in build-quality/.
# About a minute on 2 cores. Exit: 0 ok, 1 a re-check failed, 130 Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/fgd.py "$@"
