#!/usr/bin/env bash
# Gavel efficiency vs makespan cap (issue #17): on a Gavel job set with a real choice of GPU
# count per job (--units variable), the GA maximizing efficiency (V100-hours of work per busy
# GPU-hour) under a hard horizon of K x the LP makespan bound, K = 1.0 .. 2.0, beside the GA
# minimizing makespan (variable counts) and the naive rules --units one and --units max; every
# plan re-scored by `allocopt evaluate` and recomputed in python from its start/end times.
# Rewrites the `gavel-efficiency` section of bench/RESULTS.md (bench/put_section.py) and
# bench/results/gavel_efficiency.json.
#
#   bash bench/gavel_efficiency.sh [--build-dir DIR] [--no-build] [--seconds 20] [--threads 2]
#                                  [--seed 0] [--size 500] [--caps 1.0,1.1,...,2.0] [--no-write]
#
# Builds the CLI in build-quality/. About 14 x (--seconds + 2) s. Exit: 0 ok, 1 a run failed or
# a re-check disagreed, 130 Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/gavel_efficiency.py "$@"
