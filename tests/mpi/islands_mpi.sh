#!/usr/bin/env bash
# `mpirun -np 3 allocopt solve --islands 3` (one island per rank) gives the result of the same
# run on threads; `--islands` other than the rank count is refused (exit 2); a rank killed with
# SIGKILL in the middle of a run ends the whole job, with mpirun's message, never a hang.
#
#   islands_mpi.sh ALLOCOPT MPIEXEC WORKDIR
set -euo pipefail
exe=$1
mpiexec=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
"$exe" generate etc --tasks 96 --machines 6 --seed 3 -o "$work/etc.yaml" -q
# Few Lagrangian iterations, so that the budget leaves the islands many epochs after the starts.
args=(solve "$work/etc.yaml" --opt price_iterations=20 --migrate-every 2 --max-evals 9000000 -q
      --no-baseline)
mpi=("$mpiexec" --oversubscribe --allow-run-as-root --timeout 120 -n 3)

# The same result on 3 ranks as on 1 and on 3 threads.
"$exe" "${args[@]}" --islands 3 --threads 1 -o "$work/threads.json"
"$exe" "${args[@]}" --islands 3 --threads 3 -o "$work/threads3.json"
"${mpi[@]}" "$exe" "${args[@]}" --islands 3 --threads 1 -o "$work/mpi.json"
python3 - "$work/threads.json" "$work/threads3.json" "$work/mpi.json" <<'PY'
import json, sys
runs = [json.load(open(f)) for f in sys.argv[1:]]
key = lambda r: (r["objective"], r["assignment"], r["solver"]["evaluations"], r["solver"]["stop"],
                 [(p["evaluations"], p["best"]) for p in r["trace"]])
for f, r in zip(sys.argv[2:], runs[1:]):
    if key(r) != key(runs[0]):
        sys.exit(f"FAIL: {f} differs from {sys.argv[1]}: {r['objective']} {r['solver']['evaluations']} "
                 f"against {runs[0]['objective']} {runs[0]['solver']['evaluations']}")
notes = runs[2]["solver"].get("notes", [])
if not any("3 MPI ranks" in n for n in notes):
    sys.exit(f"FAIL: no note of the MPI ranks in {notes}")
epochs = int(next(n for n in notes if "islands on" in n).split(", ")[1].split()[0])
if epochs < 5:
    sys.exit(f"FAIL: only {epochs} epochs: the test would not see migrations")
PY

# A rank count that is not the island count: exit 2 with a message, nothing written.
bad=0
"${mpi[@]}" "$exe" "${args[@]}" --islands 2 --threads 1 -o "$work/bad.json" \
    2>"$work/bad.err" || bad=$?
if [ "$bad" -eq 0 ] || grep -q "time limit for job execution" "$work/bad.err"; then
    echo "FAIL: --islands 2 on 3 ranks: exit $bad" >&2
    cat "$work/bad.err" >&2
    exit 1
fi
grep -q "solve runs one island per rank: give --islands 3" "$work/bad.err" ||
    { echo "FAIL: no message for --islands 2 on 3 ranks" >&2; cat "$work/bad.err" >&2; exit 1; }
[ ! -e "$work/bad.json" ] || { echo "FAIL: a refused run wrote an output" >&2; exit 1; }

# Kill rank 1 with SIGKILL while the run goes on (a time limit of 60 s): mpirun must end the
# job soon, exit non-zero and say so. Each rank writes its pid (bash's exec keeps it).
status=0
start=$(date +%s)
"${mpi[@]}" bash -c 'echo $$ > "$0/rank.$OMPI_COMM_WORLD_RANK.pid"; exec "$@"' "$work" \
    "$exe" solve "$work/etc.yaml" --islands 3 --time-limit 60 --threads 1 -q --no-baseline \
    -o "$work/killed.json" 2>"$work/killed.err" &
launcher=$!
for _ in $(seq 100); do
    [ -s "$work/rank.1.pid" ] && break
    sleep 0.1
done
[ -s "$work/rank.1.pid" ] || { echo "FAIL: rank 1 never started" >&2; kill "$launcher"; exit 1; }
sleep 2
kill -KILL "$(cat "$work/rank.1.pid")"
wait "$launcher" || status=$?
seconds=$(($(date +%s) - start))
if [ "$status" -eq 0 ] || [ "$seconds" -ge 50 ] ||
    grep -q "time limit for job execution" "$work/killed.err"; then
    echo "FAIL: a killed rank: mpirun exit $status after $seconds s" >&2
    cat "$work/killed.err" >&2
    exit 1
fi
grep -q -i "signal 9\|killed" "$work/killed.err" ||
    { echo "FAIL: no message for the killed rank" >&2; cat "$work/killed.err" >&2; exit 1; }
echo "PASS: 3 ranks give the 3-thread result; a rank count other than --islands exits $bad; \
a killed rank ends the job in $seconds s (exit $status)"
