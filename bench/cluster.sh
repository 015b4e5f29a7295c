#!/usr/bin/env bash
# GPU-cluster schedules with unit choices (issue #12): how good and how fast the GA is on the
# ground the tool is made for. Three parts, each a Markdown table on stdout:
#
#   small   `generate cluster --jobs 8 --nodes 3 --seed 1..20`: the exact optimum from
#           build/bench/enumerate, the GA at --time-limit 2 --threads 2 --seed 1, every value
#           re-scored by `allocopt evaluate`; "optimum reached on X of 20" (relative 1e-9).
#   medium  generated clusters 300x16, 2,000x64, 10,000x256, 20,000x256 (seed 1): every
#           constructive policy and the GA at --time-limit 20 --threads 2; wall time of the
#           whole process (parsing included), peak RSS (/usr/bin/time -f %M), every result
#           re-scored; the GA's margin over the best policy. A run past its timeout is killed
#           and shown as killed.
#   scale   100,000 jobs x 1,000 nodes: generate (time, RSS), fcfs and the GA at 60 s.
#
# Generated problems and results go to a temporary folder (--keep DIR keeps them); only the
# "cluster" section of bench/RESULTS.md is written, and only with --write.
#
#   bash bench/cluster.sh [--write] [--parts small,medium,scale] [--seeds N] [--small 8x3]
#        [--small-seconds S] [--sizes 300x16,2000x64,...] [--ga-seconds S] [--policies LIST]
#        [--policy-timeout S] [--scale-size JxN] [--scale-seconds S] [--generate-timeout S]
#        [--enumerate-timeout S] [--threads T] [--bin build/allocopt]
#        [--enumerate build/bench/enumerate] [--keep DIR]
#
# A quick check of the script (a minute or two):
#   bash bench/cluster.sh --parts small,medium --seeds 3 --sizes 300x16 --ga-seconds 2
#
# Needs build/allocopt and build/bench/enumerate (cmake --build build --target allocopt
# allocopt-enumerate). Exit 1 when a re-scored value or feasibility flag disagrees with the one
# reported, or when the GA beats an enumerated optimum; timeouts are reported, not failures.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${1:-} == --write ]]; then
    shift
    set +e
    bash bench/cluster.sh "$@" | tee /dev/stderr | python3 bench/put_section.py cluster \
        "GPU clusters with unit choices: the GA against the exact optimum and the policies"
    status=${PIPESTATUS[0]}
    exit "$status"
fi
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
    sed -n '2,30p' "$0"
    exit 0
fi
exec python3 bench/cluster.py "$@"
