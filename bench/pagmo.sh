#!/usr/bin/env bash
# pagmo2's algorithms against ga and pso (issue 18, docs/pagmo.md): every pagmo-* solver,
# unseeded and seeded, on the Braun instances and gapa-gapd at 50,000 evaluations, seed 1;
# each result re-scored with `allocopt evaluate`; writes the `pagmo` section of
# bench/RESULTS.md. `bash bench/pagmo.sh --help` lists the options.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/pagmo.py "$@"
