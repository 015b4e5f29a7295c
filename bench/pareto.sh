#!/usr/bin/env bash
# Pareto fronts (issue 18, docs/pareto.md): our NSGA-II (`--solver ga --pareto`) against
# pagmo's nsga2, unseeded and seeded, at equal time on problems/gpu-cluster.yaml, makespan vs
# cost, a few seeds; hypervolumes against one reference point for all; every front point
# re-scored with `allocopt evaluate`; writes the `pareto` section of bench/RESULTS.md.
# `bash bench/pareto.sh --help` lists the options.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/pareto.py "$@"
