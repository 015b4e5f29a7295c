#!/usr/bin/env bash
# Gavel makespan harness (issue #17): for seeds 0-2 x N = 100, 300, 500, 700 of problems/gavel/,
# the GA (60 s, 2 threads by default, longest-first queues with backfilling) and our FCFS
# (job order, strict queues, the fcfs heuristic), every makespan re-scored by `allocopt
# evaluate` on the written result and every plan re-checked from the job file alone,
# beside the LP lower bound `solve` reports and Gavel's published FIFO / Gandiva / Gavel means.
# Rewrites the `gavel` section of bench/RESULTS.md (bench/put_section.py) and
# bench/results/gavel.json.
#
#   bash bench/gavel.sh [--build-dir DIR] [--no-build] [--seconds 60] [--threads 2]
#                       [--seeds 0-2] [--sizes 100,300,500,700] [--order ljf]
#                       [--queue backfill|strict] [--no-write]
#
# Builds the CLI in build-quality/. About 12 x (--seconds + 1) s. Exit: 0 ok, 1 a run failed
# or a re-check disagreed, 130 Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/gavel.py "$@"
