#!/usr/bin/env bash
# Time and size of the pictures of io/gantt.hpp (issue #14's target: the Gantt chart of a
# 2,000-task, 64-node schedule is written in under 0.5 s and is under 5 MB). Generates the
# problems with `allocopt generate`, solves each briefly, then runs build/bench/gantt (draw +
# atomic write, median and slowest of --reps runs) and times `allocopt evaluate --svg
# --svg-utilization` end to end against `allocopt evaluate` alone (median of --reps runs).
# Prints one Markdown table. About a minute on 2 cores.
#
#   bash bench/gantt.sh [--write] [--reps N] [--build-dir DIR]
#
#   --write      also put the table into bench/RESULTS.md (section "gantt")
#   --reps N     repetitions, medians shown (default 7)
#   --build-dir  where allocopt and bench/gantt are (default build; built when missing)
#
# Rows: cluster 2000x64 (the target; the GA for 2 s, one bar per task), cluster 100000x1000
# (mct; grouped lanes and busy-unit profiles), GAP type D 100x2000 (packing mode; regret).
# Exit 1 when the target row misses the target.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${1:-} == --write ]]; then
    shift
    set +e
    bash bench/gantt.sh "$@" | tee /dev/stderr | python3 bench/put_section.py gantt \
        "Pictures: Gantt chart, packing bars and utilization strip (issue #14)"
    status=${PIPESTATUS[0]}
    exit "$status"
fi

reps=7
build=build
while [[ $# -gt 0 ]]; do
    case "$1" in
        --reps) reps=$2; shift 2 ;;
        --build-dir) build=$2; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "gantt.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
exe=$build/allocopt
timer=$build/bench/gantt
if [[ ! -x "$exe" || ! -x "$timer" ]]; then
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$build" -j "$(nproc)" --target allocopt allocopt-bench-gantt >/dev/null
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
# The word after KEY in a line of build/bench/gantt's output.
field() { awk -v key="$2" '{for (i = 1; i < NF; ++i) if ($i == key) print $(i + 1)}' <<<"$1"; }
mb() { awk -v b="$1" 'BEGIN {printf "%.2f MB", b / 1e6}'; }
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }

# name | generate arguments | solve arguments
cases=(
    "cluster 2000x64|cluster --jobs 2000 --nodes 64 --seed 1|--time-limit 2 --seed 1 --threads 1"
    "cluster 100000x1000|cluster --jobs 100000 --nodes 1000 --seed 1|--solver mct"
    "GAP D 100x2000 (packing)|gap --type d --agents 100 --jobs 2000 --seed 1|--solver regret"
)

echo "Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start; $reps runs each, medians (slowest in brackets)."
echo
echo "| problem | drawn as | Gantt / packing: draw + write | size | utilization strip | size | \`evaluate\` | \`evaluate --svg --svg-utilization\` |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
failed=0
for entry in "${cases[@]}"; do
    IFS='|' read -r name generate solve <<<"$entry"
    problem=$tmp/problem.yaml
    result=$tmp/result.yaml
    # shellcheck disable=SC2086
    "$exe" generate $generate -o "$problem" >/dev/null
    # shellcheck disable=SC2086
    "$exe" solve "$problem" $solve -q -o "$result" || [[ $? == 1 ]]  # infeasible is still drawn
    out=$("$timer" "$problem" "$result" --reps "$reps" --dir "$tmp")
    echo "$out" >&2
    gantt=$(grep '^gantt ' <<<"$out")
    strip=$(grep '^utilization ' <<<"$out")
    bars=$(field "$gantt" data-task)
    groups=$(field "$gantt" data-group)
    if [[ $bars -gt 0 ]]; then
        drawn="$bars bars"
    elif [[ $groups -gt 0 ]]; then
        drawn="$groups profiles / lane bars"
    else
        drawn="bars per resource"
    fi
    plain=()
    pictures=()
    for ((k = 0; k < reps; ++k)); do
        start=$(now)
        "$exe" evaluate "$problem" --allocation "$result" --format json >/dev/null || true
        plain+=("$(echo "$(now) - $start" | bc -l)")
        start=$(now)
        "$exe" evaluate "$problem" --allocation "$result" --format json \
            --svg "$tmp/e.svg" --svg-utilization "$tmp/u.svg" >/dev/null || true
        pictures+=("$(echo "$(now) - $start" | bc -l)")
    done
    printf '| %s | %s | %.3f s (%.3f) | %s | %.3f s (%.3f) | %s | %.2f s | %.2f s |\n' \
        "$name" "$drawn" "$(field "$gantt" median)" "$(field "$gantt" max)" \
        "$(mb "$(field "$gantt" bytes)")" "$(field "$strip" median)" "$(field "$strip" max)" \
        "$(mb "$(field "$strip" bytes)")" "$(printf '%s\n' "${plain[@]}" | median)" \
        "$(printf '%s\n' "${pictures[@]}" | median)"
    if [[ $name == "cluster 2000x64" ]]; then
        ok=$(awk -v t="$(field "$gantt" max)" -v b="$(field "$gantt" bytes)" \
            'BEGIN {print (t < 0.5 && b < 5e6) ? 1 : 0}')
        [[ $ok == 1 ]] || failed=1
    fi
done
echo
echo "Target (cluster 2000x64, the slowest of the runs): under 0.5 s and under 5 MB: $([[ $failed == 0 ]] && echo met || echo MISSED)."
echo "Draw + write: \`build/bench/gantt PROBLEM RESULT\` (\`allocation_svg()\` / \`utilization_svg()\` with default options, then an atomic write);"
echo "\`evaluate\` columns: the whole command (reading the YAML problem and result included), without and with both pictures."
exit "$failed"
