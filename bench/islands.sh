#!/usr/bin/env bash
# Islands against one population on the 12 Braun instances: 4 islands x 2.5 s against one
# population x 10 s, at equal wall time, and at equal total evaluations; seed 1, 2 threads. Every
# result is re-scored by `allocopt evaluate`. Writes the `islands` section of bench/RESULTS.md
# and bench/results/islands.json. Needs a Release build in build/ (or --binary PATH).
#
#   bash bench/islands.sh [--instances u_c_hihi.0,...] [--evals E] [--migrate-every K]
#                         [--no-time] [--dry-run] [--binary PATH]
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/islands.py "$@"
