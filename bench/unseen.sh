#!/usr/bin/env bash
# Unseen-instance check of the GA: generates fixed ETC (1024x32, 2048x64) and GAP type D/E
# (10x200 .. 20x400) instances with `allocopt generate` into a temporary folder, runs the GA
# (ETC 20 s, GAP 10 s; 2 threads, seed 1), compares with the LP bound (ETC) and CBC's 60-s MIP
# result (GAP), re-checks every value, and rewrites the quality-unseen section of
# bench/RESULTS.md plus bench/results/unseen.{json,csv}.
#
#   bash bench/unseen.sh [--only GLOBS] [--no-cbc] [--update-references] [--keep DIR]
#                        [--etc-seconds S] [--gap-seconds S] [--cbc-seconds S] [--threads N]
#                        [--seed N] [--build-dir DIR] [--no-build] [--strict] [--list]
#
# CBC (`apt-get install coinor-cbc`) is used when on PATH; otherwise the values recorded in
# bench/unseen-references.json are used. Builds the CLI in build-unseen/ (Release) if needed.
# Runs one job at a time (~11 min on 2 cores). Exit: 0 ok, 1 a re-check mismatch / solver
# error / invalid bound (or a missed target with --strict), 2 usage, 130 Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/unseen.py "$@"
