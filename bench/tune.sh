#!/usr/bin/env bash
# Tuning harness (issue #15): tunes the GA with `allocopt tune` on generated GAP type D
# instances (10 agents x 100 jobs, training seeds 1-10), then judges the tuned configuration on
# unseen ones (seeds 101-120) by a separate path: `allocopt solve --config tuned.yaml` and the
# defaults, each re-scored by `allocopt evaluate`. Also times the tuning and its speed-up from
# 1 to 2 workers, and checks that the tuned.yaml does not depend on --parallel. Rewrites the
# `tune` section of bench/RESULTS.md and bench/results/tune.{json,csv}.
#
#   bash bench/tune.sh [--build-dir DIR] [--no-build] [--budget N] [--max-evals E] [--quick]
#
# Builds the CLI in build-quality/ (Release) if needed. Progress on stderr.
# Exit: 0 ok, 1 a re-check mismatch / solver error / --parallel changed the result, 130 Ctrl-C.
# `bash bench/tune.sh --help` lists every option.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/tune.py "$@"
