#!/usr/bin/env bash
# ThreadSanitizer over the library tests that run code on more than one thread: the Evaluator's
# OpenMP batch evaluation and parallel_for, the incremental states evaluated in parallel, and
# the searches run with 2 or 4 threads (GA, PSO, local search, every registered solver), the
# islands on 1, 2 and 4 threads, and the tuner's thread pool running solver runs side by side.
#
# libgomp, g++'s OpenMP runtime, is not instrumented: TSan would not see its barriers and would
# report false races. So this builds with clang++-14 and LLVM's libomp, and loads libarcher,
# libomp's OMPT tool that tells TSan about the runtime's synchronisation; TSan ignores the
# accesses inside the uninstrumented runtime itself. No suppressions are needed.
#
# Builds only the library and allocopt_threads_tests (the 8 test files that hold the tests
# below, tests/CMakeLists.txt) in build-tsan/ (-O1, line tables; the libraries as unity
# builds, as in .ci/run's pass 2), then runs those tests; about 4 minutes on 2 cores. Needs clang-14, libclang-rt-14-dev (the TSan runtime)
# and libomp-14-dev (libomp, libarcher); with CI=true, installs them (scripts/deps.sh).
#
# Without the CLI, and without MPI even if the CLI is turned on here one day: TSan reports a
# lock-order inversion inside Open MPI 4.1's TCP transport (mca_btl_tcp_add_procs against
# mca_btl_tcp_proc_remove) in a program that only initialises and finalises MPI.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
llvm=/usr/lib/llvm-14
packages=(clang-14 libclang-rt-14-dev libomp-14-dev)
if [ "${CI:-}" = true ]; then
    bash scripts/deps.sh "${packages[@]}"
fi
for f in "$llvm/bin/clang++" "$llvm/lib/libomp.so" "$llvm/lib/libarcher.so"; do
    [ -e "$f" ] || { echo "tsan.sh: $f missing; apt-get install ${packages[*]}" >&2; exit 1; }
done

SECONDS=0
cmake -S . -B build-tsan -DCMAKE_CXX_COMPILER="$llvm/bin/clang++" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DALLOCOPT_SANITIZE=thread \
    -DALLOCOPT_BUILD_CLI=OFF -DALLOCOPT_WITH_MPI=OFF -DALLOCOPT_BUILD_ENUMERATE=OFF \
    -DALLOCOPT_INSTALL=OFF -DALLOCOPT_WITH_PAGMO=OFF -DALLOCOPT_UNITY_BUILD=ON >/dev/null
cmake --build build-tsan -j "$jobs" --target allocopt_threads_tests
echo "tsan.sh: built in ${SECONDS}s"

# Every test that gives the Evaluator more than one thread. Heuristics evaluate serially, so of
# the every-solver suite only the searches are run.
tests=(
    'Evaluator.BatchEqualsSerialForOneAndTwoThreads'
    'Evaluator.ALargeBatchEqualsSerialForOneAndTwoThreads'
    'Evaluator.ParallelForRunsEveryIndexOnceAndRethrows'
    'DeltaSchedule.ParallelStatesWithLocalCountersAgreeWithSerialOnes'
    'Registry/Population.*'
    'Swarm.SameSeedSameResultForOneAndTwoThreadsInTheRingTopology'
    'LocalSearch.SameSeedSameResultForOneAndTwoThreads'
    'Limits.ABudgetGivesTheSameResultForAnyThreadCount'
    'Registry/EverySolver.GivesValidCorrectlyScoredResultsOnEveryFamily/ga'
    'Registry/EverySolver.GivesValidCorrectlyScoredResultsOnEveryFamily/pso'
    'Registry/EverySolver.GivesValidCorrectlyScoredResultsOnEveryFamily/local_search'
    'PopulationSearches/Islands.*'
    'TuneRace.TheResultIsTheSameForAnyNumberOfWorkers'
    'TuneRace.TunesTheGaOnRealRunsAndComparesOnATestSet'
    'TuneRace.AResumedTuningRunsNothingTwiceAndEndsAsAnUninterruptedOne'
)
filter=$(IFS=:; echo "${tests[*]}")
# A renamed test must not drop out of the pass unnoticed.
for t in "${tests[@]}"; do
    build-tsan/tests/allocopt_threads_tests --gtest_list_tests --gtest_filter="$t" | grep -q '^  ' ||
        { echo "tsan.sh: no test matches $t" >&2; exit 1; }
done

export OMP_TOOL_LIBRARIES="$llvm/lib/libarcher.so"
export ARCHER_OPTIONS=verbose=1  # prints that archer is active
# halt_on_error: the first race fails the run (exit code 66), with both stacks.
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ignore_noninstrumented_modules=1"
SECONDS=0
build-tsan/tests/allocopt_threads_tests --gtest_filter="$filter"
echo "tsan.sh: tests passed in ${SECONDS}s"
