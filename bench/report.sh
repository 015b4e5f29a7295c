#!/usr/bin/env bash
# Size of `solve --report`'s HTML page and the time Chromium takes to open it (issue #14's
# target: report.html for a 2,000-task, 64-node cluster is under 10 MB and opens in Chromium in
# under 3 s). Generates the problem with `allocopt generate`, solves it with --report, then
# opens the page --reps times with tests/report/browser_check.sh (headless Chromium): the time
# to the page's load event, and the whole Chromium run (start-up, load, screenshot). Prints one
# Markdown table. Needs chromium (apt-get install chromium). About a minute on 2 cores.
#
#   bash bench/report.sh [--write] [--reps N] [--build-dir DIR]
#
#   --write      also put the table into bench/RESULTS.md (section "report")
#   --reps N     Chromium runs per page, medians shown (default 5)
#   --build-dir  where allocopt and tests/report/png_colours are (default build)
#
# Exit 1 when the 2000x64 row misses the target (the slowest load event, and the size).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${1:-} == --write ]]; then
    shift
    set +e
    bash bench/report.sh "$@" | tee /dev/stderr | python3 bench/put_section.py report \
        "The HTML report: size and opening time in Chromium (issue #14)"
    exit "${PIPESTATUS[0]}"
fi

reps=5
build=build
while [[ $# -gt 0 ]]; do
    case "$1" in
        --reps) reps=$2; shift 2 ;;
        --build-dir) build=$2; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "report.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
exe=$build/allocopt
colours=$build/tests/report/png_colours
if [[ ! -x "$exe" || ! -x "$colours" ]]; then
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$build" -j "$(nproc)" --target allocopt png_colours >/dev/null
fi
command -v chromium >/dev/null || { echo "report.sh: chromium not found" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
largest() { sort -g | tail -1; }

# name | generate arguments | solve arguments
cases=(
    "cluster 200x16 (problems/gpu-cluster.yaml)||--time-limit 2 --seed 1 --threads 1"
    "cluster 2000x64|cluster --jobs 2000 --nodes 64 --seed 1|--time-limit 2 --seed 1 --threads 1"
    "cluster 20000x256|cluster --jobs 20000 --nodes 256 --seed 1|--solver mct"
)

echo "Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start; $reps Chromium runs per page, medians (slowest in brackets)."
echo
echo "| problem | report.html | load event | whole Chromium run |"
echo "|---|---:|---:|---:|"
failed=0
for entry in "${cases[@]}"; do
    IFS='|' read -r name generate solve <<<"$entry"
    problem=problems/gpu-cluster.yaml
    if [[ -n $generate ]]; then
        problem=$tmp/problem.yaml
        # shellcheck disable=SC2086
        "$exe" generate $generate -o "$problem" >/dev/null
    fi
    page=$tmp/report.html
    # shellcheck disable=SC2086
    "$exe" solve "$problem" $solve -q --report "$page" || [[ $? == 1 ]]
    bytes=$(stat -c %s "$page")
    loads=()
    runs=()
    for ((k = 0; k < reps; ++k)); do
        out=$(bash tests/report/browser_check.sh --png-colours "$colours" "$page" 2>&1)
        loads+=("$(sed -n 's/.*loaded in \([0-9]*\) ms.*/\1/p' <<<"$out")")
        runs+=("$(sed -n 's/.*Chromium run \([0-9]*\) ms.*/\1/p' <<<"$out")")
    done
    load=$(printf '%s\n' "${loads[@]}" | median)
    load_max=$(printf '%s\n' "${loads[@]}" | largest)
    printf '| %s | %.2f MB | %.0f ms (%s) | %.0f ms (%s) |\n' "$name" \
        "$(awk -v b="$bytes" 'BEGIN {print b / 1e6}')" "$load" "$load_max" \
        "$(printf '%s\n' "${runs[@]}" | median)" "$(printf '%s\n' "${runs[@]}" | largest)"
    if [[ $name == "cluster 2000x64" ]]; then
        [[ $bytes -lt 10000000 && $load_max -lt 3000 ]] || failed=1
    fi
done
echo
echo "Target (cluster 2000x64): under 10 MB, and the slowest load event under 3 s: $([[ $failed == 0 ]] && echo met || echo MISSED)."
echo "Load event: from navigation to the end of the page's load event (browser_check.sh); whole run: Chromium's start-up, the load and the screenshot."
exit "$failed"
