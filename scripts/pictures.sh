#!/usr/bin/env bash
# Draws the README's example pictures of problems/gpu-cluster.yaml into docs/images/, with the
# built CLI (bash scripts/build.sh first): the Gantt chart of a GA run, its utilization strip,
# and the convergence of GA and PSO (three seeds each, as a median with a min-max band) beside
# the FCFS policy, overlaid by `allocopt plot`. Runs are bounded by evaluations, so the pictures
# are the same on every machine (the times on their axes excepted); about a minute on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=./build/allocopt
problem=problems/gpu-cluster.yaml
out=docs/images
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

"$bin" solve "$problem" --solver ga --seed 1 --max-evals 200000 -q -o "$work/ga-1.yaml" \
    --svg "$out/gpu-cluster-gantt.svg" --svg-utilization "$out/gpu-cluster-utilization.svg"
for seed in 2 3; do
    "$bin" solve "$problem" --solver ga --seed "$seed" --max-evals 200000 -q -o "$work/ga-$seed.yaml"
done
for seed in 1 2 3; do
    "$bin" solve "$problem" --solver pso --seed "$seed" --max-evals 200000 -q -o "$work/pso-$seed.yaml"
done
"$bin" solve "$problem" --solver fcfs -q -o "$work/fcfs.yaml"
"$bin" plot "$work"/ga-*.yaml "$work"/pso-*.yaml "$work/fcfs.yaml" -q -o "$out/gpu-cluster-convergence.svg"
echo "pictures.sh: wrote $out/gpu-cluster-{gantt,utilization,convergence}.svg"
