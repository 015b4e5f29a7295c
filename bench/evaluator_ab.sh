#!/usr/bin/env bash
# The evaluator's benchmarks of this checkout side by side with another commit's: both
# binaries (Release) run in turns, ROUNDS rounds, pinned to one core, and the table gives
# each benchmark's median time per iteration for both and the median of the per-round
# ratios (this tree / the other). A machine whose speed drifts during the run moves both
# columns, not the ratio. 4-10 minutes on 2 cores (most of it building the other commit).
#
#   bash bench/evaluator_ab.sh [--write] OTHER_COMMIT [FILTER] [ROUNDS]
#
#   --write       also put the table into bench/RESULTS.md (section "evaluator-ab")
#   OTHER_COMMIT  built in a worktree under build-ab/ (kept for the next run)
#   FILTER        a --benchmark_filter regex (default: the Gavel 700-job rows)
#   ROUNDS        rounds of both binaries (default 7)
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${1:-} == --write ]]; then
    shift
    set +e
    bash bench/evaluator_ab.sh "$@" | tee /dev/stderr | python3 bench/put_section.py \
        evaluator-ab "Evaluator speed, side by side with an earlier commit"
    status=${PIPESTATUS[0]}
    exit "$status"
fi

other=${1:?usage: bash bench/evaluator_ab.sh [--write] OTHER_COMMIT [FILTER] [ROUNDS]}
filter=${2:-'(FullEval|DeltaMove)/gavel700'}
rounds=${3:-7}
other=$(git rev-parse --short "$other^{commit}")
here=$(git rev-parse --short HEAD)
dirty=$(git status --porcelain --untracked-files=no | grep -q . && echo " (with changes)" || true)

bash scripts/deps.sh >&2
build() {  # build DIR SOURCE
    cmake -S "$2" -B "$1" -DCMAKE_BUILD_TYPE=Release -DALLOCOPT_BUILD_BENCH=ON \
          -DALLOCOPT_BUILD_TESTS=OFF -DALLOCOPT_BUILD_CLI=OFF >/dev/null
    cmake --build "$1" -j "$(nproc)" --target allocopt-bench-evaluator >/dev/null
}
tree=build-ab/tree-$other
if [[ ! -d $tree ]]; then
    git worktree prune
    git worktree add --detach "$tree" "$other" >/dev/null 2>&1
fi
echo "building $other and this tree ($here$dirty)" >&2
build "build-ab/bench-$other" "$tree"
build build-bench .
old_bin=build-ab/bench-$other/bench/allocopt-bench-evaluator
new_bin=build-bench/bench/allocopt-bench-evaluator

cpu=$(($(nproc) - 1))
pin=()
command -v taskset >/dev/null && pin=(taskset -c "$cpu")
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for ((r = 0; r < rounds; r++)); do
    for side in old new; do
        bin=$old_bin
        [[ $side == new ]] && bin=$new_bin
        "${pin[@]}" "$bin" --benchmark_filter="$filter" --benchmark_min_time=0.5 \
            --benchmark_format=csv 2>/dev/null | awk -F, -v side="$side" -v r="$r" \
            '/^"BM_/ { gsub(/"/, "", $1); print r "," side "," $1 "," $3 }' >>"$out"
    done
    echo "round $((r + 1)) of $rounds" >&2
done
load=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$out" "$other" "$here$dirty" "$rounds" "$load" <<'EOF'
import collections
import statistics
import sys

path, other, here, rounds, load = sys.argv[1:]
times = collections.defaultdict(dict)  # (name, round) -> {side: ns}
for line in open(path):
    r, side, name, ns = line.strip().split(",")
    times[(name, r)][side] = float(ns)
names = sorted({name for name, _ in times})
print(f"Regenerate: `bash bench/evaluator_ab.sh {other}` (this tree at {here}, {rounds} rounds "
      f"in turns, one core; load average {load} at the end).\n")
print(f"| benchmark | {other} | {here} | ratio (median of rounds) |")
print("|---|---:|---:|---:|")
for name in names:
    rows = [v for (n, _), v in times.items() if n == name and len(v) == 2]
    old = statistics.median(v["old"] for v in rows)
    new = statistics.median(v["new"] for v in rows)
    ratio = statistics.median(v["new"] / v["old"] for v in rows)
    print(f"| `{name}` | {old / 1000:.1f} us | {new / 1000:.1f} us | {ratio:.2f} |")
EOF
