#!/usr/bin/env bash
# The README's first command: install, build, solve the bundled GPU-cluster problem, and write
# its result and a one-page HTML report beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./build/allocopt solve problems/gpu-cluster.yaml --time-limit 5 -o gpu-cluster-result.yaml \
    --report gpu-cluster-report.html
