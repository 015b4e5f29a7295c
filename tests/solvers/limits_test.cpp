// Limits kept by every registered solver, in every phase: the evaluation budget exactly
// (and deterministically, whatever the thread count), the interrupt and the time limit
// during the start phase. The solvers come from the registry, so new ones are covered.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "allocopt/generators.hpp"
#include "allocopt/io/benchmarks.hpp"
#include "allocopt/solvers/registry.hpp"
#include "sharing/random_cluster.hpp"

namespace allocopt {
namespace {

namespace g = generators;

struct Solved {
    Result result;
    std::uint64_t counted = 0;  ///< what the Evaluator counted during the solve
    double wall = 0;            ///< seconds the solve call took
};

Solved solve(const SolverEntry& entry, const Problem& p, const RunSettings& t, int threads = 1,
             std::uint64_t seed = 1) {
    Evaluator ev(p, {.threads = threads});
    const OptionValues values(&entry.options);
    auto solver = entry.make(values, seed);
    Solved r;
    const auto start = std::chrono::steady_clock::now();
    r.result = solver->solve(ev, t, nullptr);
    r.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.counted = ev.evaluations();
    return r;
}

/// One problem of each kind the solvers treat differently: the makespan kernel (ETC), the
/// incremental packing state (GAP, cloud balancing with fixed costs) and full evaluations
/// (the GPU cluster: list scheduling, weighted completion + cost).
const std::vector<Problem>& problems() {
    static const std::vector<Problem> list = [] {
        std::vector<Problem> v;
        v.push_back(g::generate_etc({.tasks = 512, .machines = 16}));
        v.push_back(g::generate_gap({.type = g::GapType::d, .agents = 10, .jobs = 100}));
        v.push_back(
            import_cloudbalancing(std::string(ALLOCOPT_BENCH_INSTANCES) +
                                  "/cloudbalancing/100computers-300processes.computers.csv"));
        v.push_back(g::generate_cluster({.jobs = 120, .nodes = 12}));
        v.push_back(test::random_sharing_problem(5, 40, 400));  // devices: every solver takes it
        return v;
    }();
    return list;
}

/// 100,000 tasks on 4 machines: the starts of the GA and PSO, sufferage, max-min, the regret
/// greedy and the local search's first descent each take seconds (minutes) unbounded. The
/// GPU-sharing policies get 100,000 pods on 2,000 nodes instead (about 5 s unbounded).
const Problem& big(const SolverEntry& entry) {
    static const Problem etc = g::generate_etc({.tasks = 100000, .machines = 4});
    if (!entry.applies || entry.applies(etc)) return etc;
    static const Problem pods = test::random_sharing_problem(9, 2000, 100000);
    return pods;
}

/// Whether `entry` takes `p`: each solver is tested on the problems it is for.
bool takes(const SolverEntry& entry, const Problem& p) {
    return !entry.applies || entry.applies(p);
}

TEST(Limits, EveryRegisteredSolverKeepsTheEvaluationBudgetExactly) {
    for (const Problem& p : problems()) {
        for (const SolverEntry& entry : solver_registry()) {
            if (!takes(entry, p)) continue;
            for (std::uint64_t budget : {1, 10, 1000, 12345}) {
                SCOPED_TRACE(p.name() + " / " + std::string(entry.name) + " / " +
                             std::to_string(budget));
                // The time limit only guards the test against a solver that ignores the budget.
                const Solved r = solve(entry, p, {.max_evaluations = budget, .time_limit = 60});
                EXPECT_LE(r.result.evaluations, budget);
                EXPECT_LE(r.counted, budget);
                EXPECT_EQ(r.result.evaluations, r.counted);
                ASSERT_TRUE(r.result.found);
                EXPECT_EQ(r.result.allocation.size(), p.num_tasks());
                EXPECT_NE(r.result.stop, StopReason::time);
            }
        }
    }
}

TEST(Limits, ABudgetGivesTheSameResultForAnyThreadCount) {
    for (const Problem& p : problems()) {
        for (const SolverEntry& entry : solver_registry()) {
            if (!takes(entry, p)) continue;
            // pagmo's solvers: tests/solvers/pagmo_test.cpp, at budgets they run in a
            // fraction of a second (here 40,000 would take them ~1 s per run and solver).
            if (entry.name.starts_with("pagmo-")) continue;
            for (std::uint64_t budget : {1000, 40000}) {
                SCOPED_TRACE(p.name() + " / " + std::string(entry.name) + " / " +
                             std::to_string(budget));
                const RunSettings t{.max_evaluations = budget, .time_limit = 60};
                const Solved one = solve(entry, p, t, 1), four = solve(entry, p, t, 4);
                EXPECT_EQ(one.result.allocation, four.result.allocation);
                EXPECT_EQ(one.result.evaluations, four.result.evaluations);
                EXPECT_EQ(one.result.evaluation.objective, four.result.evaluation.objective);
                EXPECT_LE(four.result.evaluations, budget);
            }
        }
    }
}

/// A budget smaller than the improvement of the starts: the improved starts must still be
/// scored. Before SearchTracker::hold_back the descent of the first start spent the whole
/// 50,000 evaluations, its result was never scored, and the GA and PSO returned Min-Min's
/// unimproved value (3,513,919 here); the improved start is 3,033,090.
TEST(Limits, ABudgetSmallerThanTheStartsImprovementStillScoresTheImprovedStarts) {
    const Problem p = import_braun_etc(ALLOCOPT_BENCH_INSTANCES "/braun-etc/u_i_hihi.0");
    const double start =
        solve(find_solver("min-min"), p, {.max_evaluations = 1}).result.evaluation.objective;
    for (const char* name : {"ga", "pso"}) {
        SCOPED_TRACE(name);
        const Solved r = solve(find_solver(name), p, {.max_evaluations = 50000, .time_limit = 60});
        EXPECT_LE(r.result.evaluations, 50000u);
        ASSERT_TRUE(r.result.evaluation.feasible());
        // The descent from Min-Min gains about 14 %; any gain at all shows the work was kept.
        EXPECT_LT(r.result.evaluation.objective, 0.95 * start);
    }
}

TEST(Limits, AnInterruptAlreadySetEndsEverySolverAtOnceWithAnAllocation) {
    std::atomic<bool> interrupt{true};
    for (const SolverEntry& entry : solver_registry()) {
        SCOPED_TRACE(std::string(entry.name));
        const Solved r = solve(entry, big(entry), {.interrupt = &interrupt});
        EXPECT_LT(r.wall, 0.5 * ALLOCOPT_TEST_SLOWDOWN);
        EXPECT_EQ(r.result.stop, StopReason::interrupted);
        ASSERT_TRUE(r.result.found);
        EXPECT_EQ(r.result.allocation.size(), big(entry).num_tasks());
        std::printf("[ interrupt set   ] %-22s %.3f s\n", std::string(entry.name).c_str(), r.wall);
    }
}

TEST(Limits, AnInterruptDuringTheStartsEndsEverySolverWithinHalfASecond) {
    for (const SolverEntry& entry : solver_registry()) {
        SCOPED_TRACE(std::string(entry.name));
        std::atomic<bool> interrupt{false};
        std::thread ctrl_c([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            interrupt = true;
        });
        const Solved r = solve(entry, big(entry), {.interrupt = &interrupt});
        ctrl_c.join();
        // Solvers that finish first (min-min, the O(n m) rules) are not interrupted.
        EXPECT_LT(r.wall, 0.1 + 0.5 * ALLOCOPT_TEST_SLOWDOWN);
        ASSERT_TRUE(r.result.found);
        EXPECT_EQ(r.result.allocation.size(), big(entry).num_tasks());
        std::printf("[ interrupt 0.1 s ] %-22s %.3f s (%s)\n", std::string(entry.name).c_str(),
                    r.wall, std::string(stop_reason_name(r.result.stop)).c_str());
    }
}

TEST(Limits, ATimeLimitIsKeptDuringTheStarts) {
    // The tolerance is max(50 ms, 2 %); a loaded test machine gets a generous margin, far
    // below the seconds the starts take unbounded.
    constexpr double kLimit = 0.3, kMargin = 0.4 * ALLOCOPT_TEST_SLOWDOWN;
    for (const SolverEntry& entry : solver_registry()) {
        SCOPED_TRACE(std::string(entry.name));
        const Solved r = solve(entry, big(entry), {.time_limit = kLimit});
        EXPECT_LT(r.wall, kLimit + kMargin);
        EXPECT_LT(r.result.seconds, kLimit + kMargin);
        ASSERT_TRUE(r.result.found);
        EXPECT_EQ(r.result.allocation.size(), big(entry).num_tasks());
        std::printf("[ time limit 0.3  ] %-22s %.3f s (%s)\n", std::string(entry.name).c_str(),
                    r.wall, std::string(stop_reason_name(r.result.stop)).c_str());
    }
}

}  // namespace
}  // namespace allocopt
