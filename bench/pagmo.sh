#!/usr/bin/env bash
# pagmo2's algorithms against ga and pso (issue 18, docs/pagmo.md): every pagmo-* solver,
# unseeded and seeded, on the Braun instances and gapa-gapd at 50,000 evaluations, seed 1;
# each result re-scored with `allocopt evaluate`; writes the `pagmo` section of
# bench/RESULTS.md. `bash bench/pagmo.sh --help` lists the options.
#
# `bash bench/pagmo.sh --all` regenerates every table of issue 18 in turn (about two hours on
# 2 cores, most of it the equal-time table): the sections pagmo (50,000 evaluations),
# pagmo-time (10 s), pagmo-throughput, islands (bench/islands.sh) and pareto
# (bench/pareto.sh), each with its defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --all ]; then
    [ $# -eq 1 ] || { echo "pagmo.sh: --all takes no other option" >&2; exit 2; }
    python3 bench/pagmo.py
    python3 bench/pagmo.py --seconds 10
    python3 bench/pagmo.py --throughput
    bash bench/islands.sh
    bash bench/pareto.sh
    exit 0
fi
exec python3 bench/pagmo.py "$@"
