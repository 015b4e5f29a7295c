#!/usr/bin/env bash
# Quality harness: solves the benchmark sets in bench/instances with allocopt's solvers,
# re-checks every result with `allocopt evaluate`, compares it with the reference values
# (bench/references.json, transcribed from bench/instances/*/*.md) and rewrites the
# quality-<set> sections of bench/RESULTS.md, plus bench/results/quality-<set>.{json,csv}.
#
#   bash bench/quality.sh [--sets braun,gap,gapabcd,typee,cloud] [--solvers LIST]
#                         [--seconds-scale X] [--seconds S] [--seed N] [--threads N]
#                         [--repeats K] [--instances GLOBS] [--build-dir DIR] [--no-build]
#                         [--fresh] [--every-solver] [--dry-run]
#
# Builds the CLI in build-quality/ (Release) if needed. Runs sequentially; progress on stderr.
# Exit: 0 ok, 1 a re-check mismatch / solver error / value below a proven bound, 130 Ctrl-C.
# `bash bench/quality.sh --help` lists every option.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/quality.py "$@"
