#!/usr/bin/env bash
# `mpirun -np 3 allocopt tune` (rank 0 races, ranks 1-2 run the runs) ends with the same
# configuration as the same tuning on threads, and bad input under mpirun exits 2 on every
# rank without a hang.
#
#   mpi_tune.sh ALLOCOPT MPIEXEC WORKDIR [SLOW_FINALIZE]
#
# SLOW_FINALIZE (tests/tune/slow_finalize.cpp, built as a shared library) is preloaded into the
# bad-input step's ranks to make rank 0 the last to end, as it is now and then on a loaded
# machine. The workers fail on the bad input too and exit 2 once rank 0 lets them go; mpirun then
# kills rank 0, so its message must be written before that (it was written after, and was lost
# in about 1 run in 20-40 under load).
set -euo pipefail
exe=$1
mpiexec=$2
work=$3
slow_finalize=${4:-}
rm -rf "$work"
mkdir -p "$work/train"
for s in 1 2 3; do
    "$exe" generate gap --type d --agents 10 --jobs 100 --seed "$s" -o "$work/train/g$s.yaml" >/dev/null
done
args=(tune --instances "$work/train" --budget 30 --max-evals 100000 --seed 3 -q)
"$exe" "${args[@]}" --parallel 2 -o "$work/threads.yaml"
mpi=("$mpiexec" --oversubscribe --allow-run-as-root --timeout 120 -n 3)
"${mpi[@]}" "$exe" "${args[@]}" --state "$work/mpi.state" -o "$work/mpi.yaml"
if ! cmp -s "$work/threads.yaml" "$work/mpi.yaml"; then
    echo "FAIL: the MPI tuning differs from the threaded one" >&2
    diff "$work/threads.yaml" "$work/mpi.yaml" >&2 || true
    exit 1
fi
runs=$(grep -c '^run' "$work/mpi.state")
[ "$runs" -le 30 ] || { echo "FAIL: $runs runs for a budget of 30" >&2; exit 1; }
status=0
preload=()
[ -z "$slow_finalize" ] || preload=(-x "LD_PRELOAD=$slow_finalize")
"${mpi[@]}" "${preload[@]}" "$exe" tune --instances "$work/missing" --budget 30 --max-evals 10 \
    -o "$work/bad.yaml" 2>"$work/bad.err" || status=$?
if [ "$status" -eq 0 ] || grep -q "time limit for job execution" "$work/bad.err"; then
    echo "FAIL: bad input under mpirun: exit $status" >&2
    cat "$work/bad.err" >&2
    exit 1
fi
grep -q "cannot read the instance list" "$work/bad.err" ||
    { echo "FAIL: no message for bad input" >&2; cat "$work/bad.err" >&2; exit 1; }
[ ! -e "$work/bad.yaml" ] || { echo "FAIL: bad input wrote an output" >&2; exit 1; }
echo "PASS: MPI and threads give the same configuration ($runs runs); bad input exits $status"
