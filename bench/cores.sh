#!/usr/bin/env bash
# Scaling over the cores of one machine: the same `allocopt solve` at 1, 2, 4, ... threads
# (up to the cores), bounded by --max-evals so that every run does the same work, which must
# find the same result (checked: the result files but for their times are identical; exit 1
# otherwise); with --islands, the same for islands; then evaluate_batch alone
# (allocopt-bench-evaluator's BM_Batch rows). Prints Markdown: wall time and speed-up over
# one thread, medians of --reps runs. Meant for a machine with many cores (a lent 16-core
# machine: see bench/RESULTS.md, section "cores"); on 2 cores it runs 1 and 2 threads.
#
#   bash bench/cores.sh [--bin DIR] [--run PREFIX] [--reps N] [--evals N] [--islands N]
#
#   --bin DIR     where allocopt and bench/allocopt-bench-evaluator are (default build-bench,
#                 as bench/evaluator.sh builds it, and build/ for allocopt)
#   --run PREFIX  a command put before each binary, e.g. a dynamic loader with a library path
#                 for a machine without the libraries
#   --reps N      runs per cell (default 3)
#   --evals N     the GA's budget on Braun (default 400000); Gavel gets N / 20
#   --islands N   also islands: N islands of the GA (default 0: none)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="" run="" reps=3 evals=400000 islands=0
while [ $# -gt 0 ]; do
    case $1 in
        --bin) bin=$2; shift 2 ;;
        --run) run=$2; shift 2 ;;
        --reps) reps=$2; shift 2 ;;
        --evals) evals=$2; shift 2 ;;
        --islands) islands=$2; shift 2 ;;
        *) echo "cores.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
cli=${bin:-build}/allocopt
bench=${bin:-build-bench}/bench/allocopt-bench-evaluator
[ -x "$cli" ] || { echo "cores.sh: $cli missing (build first)" >&2; exit 2; }
cores=$(nproc)
counts=(1)
for t in 2 4 8 16 32 64; do [ "$t" -le "$cores" ] && counts+=("$t"); done
# Two problems: Braun's 512 x 16 ETC instance (cheap evaluations: the search's own work
# dominates) and Gavel's 700-job set backfilled (~250 us per evaluation).
braun=(--from braun-etc bench/instances/braun-etc/u_c_hihi.0)
gavel=(--from gavel problems/gavel/jobs_seed0_n700.csv)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# seconds of wall time of one solve; its result file in $tmp/$2.yaml
solve() {
    local threads=$1 tag=$2
    shift 2
    local t0 t1
    t0=$(date +%s.%N)
    if ! $run "$cli" solve "${problem[@]}" --solver ga --seed 1 --threads "$threads" "$@" \
        -o "$tmp/$tag.yaml" >"$tmp/log" 2>&1; then
        echo "cores.sh: allocopt solve failed:" >&2
        cat "$tmp/log" >&2
        exit 1
    fi
    t1=$(date +%s.%N)
    python3 -c "print(f'{$t1 - $t0:.3f}')"
}

# the result without its timing lines, for comparison across thread counts
# (a note of an island run says how many threads it ran on)
strip() { grep -v -E 'seconds|threads:' "$1" | sed -E 's/on [0-9]+ threads?/on T threads/'; }

table() {  # $1 = label, rest = extra solve arguments
    local label=$1
    shift
    echo
    echo "| $label | threads | median wall s | speed-up over 1 thread | same result as 1 thread |"
    echo "|---|---:|---:|---:|---|"
    local base=""
    for t in "${counts[@]}"; do
        local times=()
        for r in $(seq "$reps"); do times+=("$(solve "$t" "t$t-r$r" "$@")"); done
        local med
        med=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
        [ -z "$base" ] && base=$med
        local same=yes
        if ! diff <(strip "$tmp/t1-r1.yaml") <(strip "$tmp/t$t-r1.yaml") >/dev/null; then
            same=NO
            status=1
        fi
        echo "| | $t | $med | $(python3 -c "print(f'{$base / $med:.2f}')") | $same |"
    done
}

status=0
echo "GA, seed 1, $reps runs per cell."
problem=("${braun[@]}")
table "Braun u_c_hihi.0, --max-evals $evals" --max-evals "$evals"
if [ "$islands" -gt 0 ]; then
    table "Braun, $islands islands, --max-evals $evals" --max-evals "$evals" --islands "$islands"
fi
problem=("${gavel[@]}")
table "Gavel 700 (seed 0), --max-evals $((evals / 20))" --max-evals "$((evals / 20))"
if [ "$islands" -gt 0 ]; then
    table "Gavel 700, $islands islands, --max-evals $((evals / 20))" --max-evals "$((evals / 20))" \
        --islands "$islands"
fi
if [ -x "$bench" ]; then
    echo
    echo "evaluate_batch alone (256 candidates per batch; items/s, median of $reps):"
    echo
    echo "| benchmark | items/s |"
    echo "|---|---:|"
    $run "$bench" --benchmark_filter='BM_Batch' --benchmark_repetitions="$reps" \
        --benchmark_report_aggregates_only=true --benchmark_min_time=0.5 2>/dev/null |
        awk '/_median/ {for (i = 1; i <= NF; i++) if ($i ~ /items_per_second=/) {
             sub("items_per_second=", "", $i); print "| `" $1 "` | " $i " |"}}'
fi
exit $status
