#!/usr/bin/env bash
# The README's first command: install, build, run allocopt on the bundled default problem.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./build/allocopt metrics problems/seed-example.yaml
./build/allocopt solve problems/seed-example.yaml
