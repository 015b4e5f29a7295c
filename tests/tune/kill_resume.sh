#!/usr/bin/env bash
# allocopt tune resumes after kill -9 at random moments without losing or repeating a run, and
# ends with the configuration an uninterrupted tuning gives (issue: "test it by killing at
# random moments, at least 20 times").
#
#   kill_resume.sh ALLOCOPT WORKDIR [KILLS]
#
# 1. An uninterrupted tuning with a state file gives the reference configuration and state.
# 2. The same command is started again and again with another state file and killed with
#    SIGKILL after a random delay (up to a fifth of the reference's wall time), until it has
#    been killed at least KILLS (20) times and then runs to its end. A tuning that ends before
#    enough kills starts over from an empty state, the kills counting on.
# 3. The resumed configuration must equal the reference byte for byte; the state must hold
#    each run once, the same runs as the reference's.
set -euo pipefail
exe=$1
work=$2
want=${3:-20}
rm -rf "$work"
mkdir -p "$work/train"
for s in 1 2 3 4; do
    "$exe" generate gap --type d --agents 10 --jobs 100 --seed "$s" -o "$work/train/g$s.yaml" >/dev/null
done
tune=("$exe" tune --instances "$work/train" --budget 60 --max-evals 200000 --seed 5
      --parallel 2 -q)

start=$(date +%s%N)
"${tune[@]}" --state "$work/ref.state" -o "$work/ref.yaml"
reference_ms=$((($(date +%s%N) - start) / 1000000))
echo "reference tuning: ${reference_ms} ms, $(grep -c '^run' "$work/ref.state") runs"

kills=0
attempts=0
RANDOM=7
while :; do
    attempts=$((attempts + 1))
    if [ "$attempts" -gt 2000 ]; then
        echo "FAIL: no end after $attempts attempts" >&2
        exit 1
    fi
    "${tune[@]}" --state "$work/k.state" -o "$work/k.yaml" &
    pid=$!
    # Up to a fifth of the reference's time, at least 1 ms.
    delay_ms=$((1 + RANDOM % (reference_ms / 5 + 1)))
    sleep "$(awk -v ms="$delay_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
    if kill -9 "$pid" 2>/dev/null; then
        wait "$pid" 2>/dev/null || true
        kills=$((kills + 1))
        continue
    fi
    status=0
    wait "$pid" || status=$?
    if [ "$status" -ne 0 ]; then
        echo "FAIL: a resumed tuning exited $status" >&2
        exit 1
    fi
    if [ "$kills" -lt "$want" ]; then
        rm -f "$work/k.state" "$work/k.yaml"  # ended too soon: once more, from nothing
        continue
    fi
    break
done
echo "killed $kills times in $attempts attempts"

if ! cmp -s "$work/ref.yaml" "$work/k.yaml"; then
    echo "FAIL: the resumed tuning's configuration differs from the uninterrupted one" >&2
    diff "$work/ref.yaml" "$work/k.yaml" >&2 || true
    exit 1
fi
runs() { grep '^run' "$1" | cut -f2-6 | sort; }
if [ -n "$(runs "$work/k.state" | uniq -d)" ]; then
    echo "FAIL: a run is in the state file twice" >&2
    runs "$work/k.state" | uniq -d >&2
    exit 1
fi
if ! diff <(runs "$work/ref.state") <(runs "$work/k.state") >/dev/null; then
    echo "FAIL: the resumed state holds other runs than the uninterrupted one" >&2
    exit 1
fi
echo "PASS: identical configuration, $(runs "$work/k.state" | wc -l) runs, none twice"
