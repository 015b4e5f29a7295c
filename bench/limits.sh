#!/usr/bin/env bash
# Limits kept by every solver: time-limit overshoot and max-evals adherence.
#
# For each registered solver ('allocopt solvers') and each problem size (Braun-style
# consistent ETC instances, 4 machines, 10 and 100,000 tasks, written by this script):
#   * --time-limit T: the solve's own seconds (the result file's solver.seconds, parsing not
#     counted), the overshoot beyond T and whether it is within max(50 ms, 2 % of T); the wall
#     time of the whole command (parsing included) is shown too;
#   * --max-evals N for each N: the evaluations reported, and whether they are <= N (these runs
#     also carry --time-limit EVAL_SECONDS, so that the O(n^2) heuristics end on 100,000 tasks).
# Prints one Markdown table (for bench/RESULTS.md). Exit 1 when a limit was not kept.
#
# Usage: bench/limits.sh [--write] [ALLOCOPT]   (default build/allocopt); --write also puts the
#        table into bench/RESULTS.md (section "limits").
# Environment: TIME_LIMIT (0.5), MAX_EVALS ("1 1000 1000000"), EVAL_SECONDS (5), THREADS (1),
#              SIZES ("10 100000"), SOLVERS (default: all).
set -euo pipefail

if [[ ${1:-} == --write ]]; then
    shift
    cd "$(dirname "$0")/.."
    set +e
    bash bench/limits.sh "$@" | tee /dev/stderr | python3 bench/put_section.py limits \
        "Limits: time-limit overshoot and max-evals adherence of every solver"
    status=${PIPESTATUS[0]}
    exit "$status"
fi

exe=${1:-build/allocopt}
time_limit=${TIME_LIMIT:-0.5}
max_evals=${MAX_EVALS:-"1 1000 1000000"}
eval_seconds=${EVAL_SECONDS:-5}
threads=${THREADS:-1}
sizes=${SIZES:-"10 100000"}
solvers=${SOLVERS:-$("$exe" solvers | awk '/^[a-z]/ {print $1}')}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for n in $sizes; do
    python3 - "$n" "$work/etc$n.txt" <<'EOF'
import random, sys
n, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(1)
with open(path, "w") as f:
    for _ in range(n):
        tau = rng.uniform(1, 3000)
        for v in sorted(tau * rng.uniform(1, 1000) for _ in range(4)):
            f.write(f"{v:.6f}\n")
EOF
done

# run SOLVER N OUT ARGS...: solves the N-task instance, writes the result to OUT, prints the
# wall seconds.
run() {
    local solver=$1 n=$2 out=$3
    shift 3
    local start end
    start=$(date +%s.%N)
    "$exe" solve --from braun-etc --machines 4 "$work/etc$n.txt" --solver "$solver" \
        --threads "$threads" -q -o "$out" "$@" >/dev/null 2>"$out.err" || true
    end=$(date +%s.%N)
    python3 -c "print(f'{$end - $start:.3f}')"
}

# field OUT EXPR: a value of the result file (solver.seconds, solver.evaluations, ...).
field() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    print("-")
    sys.exit()
v = d
for k in sys.argv[2].split("."):
    v = v[k]
print(v)
EOF
}

failed=0
header="| solver | tasks | time limit (s) | solve (s) | overshoot (ms) | within | wall (s) | stop |"
rule="|---|---:|---:|---:|---:|:-:|---:|---|"
for cap in $max_evals; do
    header+=" evals @ $cap |"
    rule+="---:|"
done
echo "$header"
echo "$rule"
for solver in $solvers; do
    for n in $sizes; do
        out="$work/r.json"
        rm -f "$out"
        wall=$(run "$solver" "$n" "$out" --time-limit "$time_limit")
        seconds=$(field "$out" solver.seconds)
        [[ $seconds == - ]] || seconds=$(python3 -c "print(f'{$seconds:.3f}')")
        stop=$(field "$out" solver.stop)
        verdict=$(python3 -c "
s, t = '$seconds', $time_limit
if s == '-': print('- no result -'); raise SystemExit
over = float(s) - t
print(f'{max(0, 1000 * over):.0f} {\"yes\" if over <= max(0.05, 0.02 * t) else \"NO\"}')")
        over=${verdict% *}
        within=${verdict##* }
        [[ $within == yes ]] || failed=1
        row="| $solver | $n | $time_limit | $seconds | $over | $within | $wall | $stop |"
        for cap in $max_evals; do
            rm -f "$out"
            run "$solver" "$n" "$out" --max-evals "$cap" --time-limit "$eval_seconds" >/dev/null
            evals=$(field "$out" solver.evaluations)
            if [[ $evals == - || $evals -gt $cap ]]; then
                failed=1
                row+=" **$evals** |"
            else
                row+=" $evals |"
            fi
        done
        echo "$row"
    done
done
echo
echo "exe $exe, threads $threads; overshoot = solve seconds - time limit, 0 when the solver"
echo "finished first (parsing not counted);"
echo "evals @ N: evaluations reported with --max-evals N --time-limit $eval_seconds (bold: over N)."
exit $failed
