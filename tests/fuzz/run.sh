#!/usr/bin/env bash
# Builds the libFuzzer target for the YAML problem reader and runs it.
#
#   tests/fuzz/run.sh [RUNS] [extra libFuzzer flags...]      (RUNS defaults to 1000000)
#
# Environment:
#   BUILD_DIR       build directory (default: build-fuzz at the repository root)
#   FUZZ_TIMEOUT    per-input timeout in seconds (default: 25)
#   FUZZ_UAS=OFF    build without ASan's stack-use-after-scope checks, to fuzz past a known
#                   such bug (see tests/fuzz/findings/README.md); default ON
#   FUZZ_FORK=0     one plain libFuzzer process that stops at the first finding; by default
#                   -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1: still one
#                   fuzzing process at a time, restarted after each finding, so that the run
#                   reaches RUNS executions and keeps every artifact
#   CC, CXX         default clang, clang++ (clang 14 with libFuzzer)
#
# The committed corpus is copied to $BUILD_DIR/corpus-run and the fuzzer grows only that
# copy. Crashes, leaks, timeouts and OOMs are written to $BUILD_DIR/artifacts/; the log
# goes to $BUILD_DIR/fuzz.log. Exit status: libFuzzer's (0 = nothing found).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${1:-1000000}
shift || true
build=${BUILD_DIR:-$root/build-fuzz}
timeout=${FUZZ_TIMEOUT:-25}
uas=${FUZZ_UAS:-ON}

export CC=${CC:-clang} CXX=${CXX:-clang++}
cmake -S "$root" -B "$build" -DALLOCOPT_BUILD_FUZZ=ON -DALLOCOPT_BUILD_TESTS=OFF \
      -DALLOCOPT_BUILD_CLI=OFF -DALLOCOPT_BUILD_BENCH=OFF -DALLOCOPT_INSTALL=OFF \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DALLOCOPT_FUZZ_USE_AFTER_SCOPE="$uas" >/dev/null
cmake --build "$build" --target fuzz_problem_reader -j"$(nproc)"

work="$build/corpus-run"
rm -rf "$work"
mkdir -p "$work" "$build/artifacts"
cp "$here"/corpus/problem_reader/* "$work"/

# ASan's leak checker runs after every input (libFuzzer -detect_leaks=1 is the default).
# The 2 GB memory limit is ASan's hard_rss_limit_mb, not libFuzzer's -rss_limit_mb: on a
# libFuzzer RSS OOM the memory profile it prints takes many minutes with millions of live
# blocks, and no artifact is written until it is done. Single huge mallocs are caught by
# -malloc_limit_mb (with the stack).
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:hard_rss_limit_mb=2048}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

mode=()
if [ "${FUZZ_FORK:-1}" != 0 ]; then
    mode=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
fi

start=$(date +%s.%N)
set +e
"$build/tests/fuzz/fuzz_problem_reader" "$work" \
    -runs="$runs" -max_len=4096 -timeout="$timeout" -rss_limit_mb=0 -malloc_limit_mb=512 \
    -dict="$here/problem_reader.dict" -artifact_prefix="$build/artifacts/" \
    -report_slow_units=1 -print_final_stats=1 "${mode[@]}" "$@" 2>&1 | tee "$build/fuzz.log"
status=${PIPESTATUS[0]}
set -e
end=$(date +%s.%N)

wall=$(echo "$end - $start" | bc)
# Single process: final stats; -fork=N: "fuzzed for N iterations" (or the last "#N:" line).
execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/fuzz.log" | grep -o '[0-9]*$' |
        tail -1 || true)
[ -n "$execs" ] || execs=$(grep -oE '^INFO: fuzzed for [0-9]+ iterations' "$build/fuzz.log" |
                           tail -1 | tr -dc '0-9' || true)
[ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+:' "$build/fuzz.log" | tail -1 | tr -dc '0-9' || true)
echo "---"
echo "wall time: ${wall}s  executions: ${execs:-?}  exec/s: $(
    [ -n "${execs:-}" ] && echo "scale=0; $execs / $wall" | bc || echo '?')"
grep -E '^#[0-9]+:? +(DONE|pulse|NEW|REDUCE|cov)' "$build/fuzz.log" | tail -1 || true
# Edge coverage of the corpus the run ended with (the same measure as a plain run's "cov:").
"$build/tests/fuzz/fuzz_problem_reader" "$work" -runs=0 -max_len=4096 2>&1 |
    grep -E '^#[0-9]+[[:space:]]+INITED' | sed 's/^/final corpus: /' || true
echo "corpus copy: $(ls "$work" | wc -l) files in $work"
echo "artifacts (crash-/leak-/timeout-/oom-/slow-unit-): $(ls "$build/artifacts" | wc -l) in $build/artifacts"
exit "$status"
