#!/usr/bin/env bash
# Wall time of `allocopt solve` with 1 and 2 threads, 'quiet' (without this script's load;
# whatever else runs on the machine still runs: the load average is printed) and 'loaded'
# (with --load busy loops), with the OpenMP wait policy the tool chooses and with the ones a
# user can force. Every run is bounded by --max-evals, so each does the same work and finds
# the same result (checked: the result files but for their times must be identical; exit 1
# otherwise). Prints one table of medians. 5 minutes on 2 cores at load average 11 (1.5
# minutes of CPU).
#
#   bash bench/threads.sh [--write] [--reps N] [--load N] [--bin PATH] [--scale X]
#
#   --write    also put the table into bench/RESULTS.md (section "threads")
#   --reps N   repetitions of each cell, medians shown (default 3)
#   --load N   busy loops started for the 'loaded' columns (default: nproc)
#   --bin P    the allocopt binary (default build/allocopt, built when missing)
#   --scale X  multiplies the --max-evals budgets (default 1)
#
# Rows: 't1' one thread; 't2' two threads as the tool runs them (OMP_* unset); then two
# threads with the user's explicit choice, which the tool leaves alone: 'passive'
# (OMP_WAIT_POLICY=passive), 'spin300k' (GOMP_SPINCOUNT=300000, libgomp's own default when
# nothing is set: the behaviour before the tool chose a policy) and 'active'
# (OMP_WAIT_POLICY=active). 'x t1' is the median of t1 over the median of the row: above 1
# the row is faster than one thread.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${1:-} == --write ]]; then
    shift
    set +e
    bash bench/threads.sh "$@" | tee /dev/stderr | python3 bench/put_section.py threads \
        "Threads: 1 vs 2, quiet and under load, with each OpenMP wait policy"
    status=${PIPESTATUS[0]}
    exit "$status"
fi

reps=3
load=$(nproc)
bin=build/allocopt
scale=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --reps) reps=$2; shift 2 ;;
        --load) load=$2; shift 2 ;;
        --bin) bin=$2; shift 2 ;;
        --scale) scale=$2; shift 2 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "threads.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
if [[ ! -x "$bin" ]]; then
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build build -j "$(nproc)" --target allocopt >/dev/null
fi

# name | importer arguments | --max-evals (a 1-thread run of 0.4 to 1 s of CPU; budgets long
# enough to reach the GA's generations, where the parallel regions are)
instances=(
    "cloud-100x300|--from cloudbalancing bench/instances/cloudbalancing/100computers-300processes.computers.csv|5000000"
    "braun-u_c_hihi.0|--from braun-etc bench/instances/braun-etc/u_c_hihi.0|100000000"
)
# row name | threads | environment
configs=(
    "t1|1|"
    "t2|2|"
    "t2 passive|2|OMP_WAIT_POLICY=passive"
    "t2 spin300k|2|GOMP_SPINCOUNT=300000"
    "t2 active|2|OMP_WAIT_POLICY=active"
)

tmp=$(mktemp -d)
loops=()
stop_load() {
    for pid in "${loops[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${loops[@]}"; do wait "$pid" 2>/dev/null || true; done
    loops=()
}
trap 'stop_load; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

start_load() {
    for ((k = 0; k < load; ++k)); do
        (while :; do :; done) &
        loops+=("$!")
    done
}

# run INSTANCE_INDEX CONFIG_INDEX CONDITION REP: appends "seconds" to its cell's file.
run() {
    local name args evals cname threads env
    IFS='|' read -r name args evals <<<"${instances[$1]}"
    IFS='|' read -r cname threads env <<<"${configs[$2]}"
    evals=$(awk -v e="$evals" -v s="$scale" 'BEGIN { printf "%d", e * s }')
    local out="$tmp/$1.$2.$3.$4.yaml"
    local t0 t1
    t0=$(date +%s.%N)
    # shellcheck disable=SC2086
    env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT -u KMP_BLOCKTIME -u ALLOCOPT_WAIT_POLICY \
        -u OMP_NUM_THREADS -u OMP_DYNAMIC $env \
        "$bin" solve $args --max-evals "$evals" --seed 1 --threads "$threads" -q -o "$out" \
        >/dev/null || [[ $? -eq 1 ]]
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >>"$tmp/$1.$2.$3.times"
    # The result must not depend on the threads nor on the wait policy: the whole file but
    # for the times.
    sed -E 's/seconds: [-+.0-9eE]+/seconds: -/' "$out" >"$out.alloc"
    if [[ -f "$tmp/$1.ref" ]]; then
        if ! cmp -s "$tmp/$1.ref" "$out.alloc"; then
            echo "threads.sh: $name, $cname, $3: the allocation differs from the first run" >&2
            echo differs >>"$tmp/mismatch"
        fi
    else
        cp "$out.alloc" "$tmp/$1.ref"
    fi
    rm -f "$out" "$out.alloc"
}

setting="allocopt: $bin; $(nproc) cores; $reps repetitions, medians; loaded = $load busy loops;"
setting+=" load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$setting" >&2
for condition in quiet loaded; do
    [[ $condition == loaded ]] && start_load
    for ((r = 0; r < reps; ++r)); do
        for i in "${!instances[@]}"; do
            for c in "${!configs[@]}"; do  # side by side: every row once per repetition
                run "$i" "$c" "$condition" "$r"
            done
        done
        echo "  $condition: repetition $((r + 1))/$reps done" >&2
    done
    stop_load
done

median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%s\n\n| instance | run | quiet s | x t1 | loaded s | x t1 |\n|---|---|---:|---:|---:|---:|\n' "$setting"
for i in "${!instances[@]}"; do
    IFS='|' read -r name _ _ <<<"${instances[$i]}"
    q1=$(median "$tmp/$i.0.quiet.times")
    l1=$(median "$tmp/$i.0.loaded.times")
    for c in "${!configs[@]}"; do
        IFS='|' read -r cname _ _ <<<"${configs[$c]}"
        q=$(median "$tmp/$i.$c.quiet.times")
        l=$(median "$tmp/$i.$c.loaded.times")
        awk -v n="$name" -v c="$cname" -v q="$q" -v l="$l" -v q1="$q1" -v l1="$l1" \
            'BEGIN { printf "| %s | %s | %.2f | %.2f | %.2f | %.2f |\n", n, c, q, q1 / q, l, l1 / l }'
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [[ -f "$tmp/mismatch" ]]; then
    echo "threads.sh: some allocations differ (see above)" >&2
    exit 1
fi
