#!/usr/bin/env bash
# Builds the libFuzzer targets for the benchmark importers and runs them, one at a time.
#
#   tests/fuzz/run_importers.sh [TARGETS] [RUNS] [extra libFuzzer flags...]
#
#   TARGETS  comma-separated subset of braun_etc,orlib_gap,cloudbalancing (default: all three)
#   RUNS     executions per target (default 1000000)
#
# Environment:
#   BUILD_DIR       build directory (default: build-fuzz-import at the repository root)
#   FUZZ_TIMEOUT    per-input timeout in seconds (default: 25); inputs slower than 1 s are
#                   reported (-report_slow_units=1) and kept as slow-unit-* artifacts
#   FUZZ_FORK=0     one plain libFuzzer process that stops at the first finding; by default
#                   -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 (see run.sh)
#   CC, CXX         default clang, clang++ (clang 14 with libFuzzer)
#
# Per target T: the committed corpus tests/fuzz/corpus/T is copied to
# $BUILD_DIR/corpus-run/T, which only that copy grows; artifacts go to $BUILD_DIR/artifacts/T/
# and the log to $BUILD_DIR/fuzz-T.log. A small dictionary per format is written to
# $BUILD_DIR/T.dict. Exit status: 0 if every target finished without a finding.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
targets=${1:-braun_etc,orlib_gap,cloudbalancing}
shift || true
runs=${1:-1000000}
shift || true
build=${BUILD_DIR:-$root/build-fuzz-import}
timeout=${FUZZ_TIMEOUT:-25}
max_len=8192

export CC=${CC:-clang} CXX=${CXX:-clang++}
cmake -S "$root" -B "$build" -DALLOCOPT_BUILD_FUZZ=ON -DALLOCOPT_BUILD_TESTS=OFF \
      -DALLOCOPT_BUILD_CLI=OFF -DALLOCOPT_BUILD_BENCH=OFF -DALLOCOPT_INSTALL=OFF \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
IFS=, read -r -a names <<<"$targets"
build_targets=()
for t in "${names[@]}"; do build_targets+=("fuzz_import_$t"); done
cmake --build "$build" --target "${build_targets[@]}" -j"$(nproc)"

write_dict() {
    case "$1" in
        braun_etc)
            printf '%s\n' '"\x0a"' '"\x0d\x0a"' '"\x09"' '"\x0b"' '"\x0c"' '"nan"' '"inf"' \
                '"-0"' '"1e308"' '"1e-320"' '"0x1p3"' '"."' '"e"' '"+"' '"-"' ;;
        orlib_gap)
            printf '%s\n' '"\x0a"' '"\x0d\x0a"' '"\x09"' '" "' '"nan"' '"inf"' '"-1"' '"0"' \
                '"2147483647"' '"2147483648"' '"1e308"' '"1.5"' '"1 1\x0a"' '"2 3\x0a"' ;;
        cloudbalancing)
            printf '%s\n' '"----\x0a"' '"\x00"' '","' '"\x0a"' '"\x0d\x0a"' '"\xef\xbb\xbf"' \
                '"id,cpu_power,memory,network_bandwidth,cost\x0a"' \
                '"id,required_cpu_power,required_memory,required_network_bandwidth\x0a"' \
                '"cpu_power"' '"memory"' '"network_bandwidth"' '"cost"' '"required_cpu_power"' \
                '"required_memory"' '"required_network_bandwidth"' '"nan"' '"inf"' '"-1"' \
                '"1e308"' '"0"' ;;
    esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:hard_rss_limit_mb=2048}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

mode=()
if [ "${FUZZ_FORK:-1}" != 0 ]; then
    mode=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
fi

overall=0
summary=()
for t in "${names[@]}"; do
    bin="$build/tests/fuzz/fuzz_import_$t"
    work="$build/corpus-run/$t"
    artifacts="$build/artifacts/$t"
    log="$build/fuzz-$t.log"
    dict="$build/$t.dict"
    rm -rf "$work"
    mkdir -p "$work" "$artifacts"
    cp "$here/corpus/$t"/* "$work"/
    write_dict "$t" >"$dict"

    start=$(date +%s.%N)
    set +e
    "$bin" "$work" -runs="$runs" -max_len=$max_len -timeout="$timeout" -rss_limit_mb=0 \
        -malloc_limit_mb=512 -dict="$dict" -artifact_prefix="$artifacts/" \
        -report_slow_units=1 -print_final_stats=1 "${mode[@]}" "$@" >"$log" 2>&1
    status=$?
    set -e
    end=$(date +%s.%N)
    [ "$status" = 0 ] || overall=$status

    wall=$(echo "$end - $start" | bc)
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' |
            tail -1 || true)
    [ -n "$execs" ] || execs=$(grep -oE '^INFO: fuzzed for [0-9]+ iterations' "$log" |
                               tail -1 | tr -dc '0-9' || true)
    [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+:' "$log" | tail -1 | tr -dc '0-9' || true)
    rate='?'
    [ -n "${execs:-}" ] && rate=$(echo "scale=0; $execs / $wall" | bc)
    # Edge coverage of the corpus the run ended with (the same measure as a plain run's "cov:").
    # (-runs=0 exits without atexit handlers, so the target's temp dir is removed here.)
    "$bin" "$work" -runs=0 -max_len=$max_len >"$log.cov" 2>&1 &
    pid=$!
    wait "$pid" || true
    rm -rf "/tmp/allocopt-fuzz-import-$pid"
    cov=$(grep -E '^#[0-9]+[[:space:]]+INITED' "$log.cov" |
          grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' || true)
    line="$t: status $status  executions ${execs:-?}  wall ${wall}s  exec/s $rate  final ${cov:-?}"
    line+="  artifacts $(ls "$artifacts" | wc -l)  slow-unit reports $(grep -c 'Slowest unit' "$log" || true)"
    echo "$line"
    summary+=("$line")
done
echo "---"
printf '%s\n' "${summary[@]}"
exit "$overall"
