#include "allocopt/solvers/local_search.hpp"

#include <gtest/gtest.h>

#include "allocopt/io/benchmarks.hpp"
#include "allocopt/solvers/heuristics.hpp"

namespace allocopt {
namespace {

const std::string kBraun = ALLOCOPT_BENCH_INSTANCES "/braun-etc/u_i_hilo.0";

Result run(const Problem& p, ConstructiveSolver::Build init, const Termination& termination,
           std::uint64_t seed = 1, int threads = 1, LocalSearchOptions options = {}) {
    Evaluator ev(p, {.threads = threads});
    LocalSearch solver(std::move(init), options, seed);
    return solver.solve(ev, termination, nullptr);
}

TEST(LocalSearch, ImprovesMinMinOnABraunInstanceAndReportsATrueScore) {
    const Problem p = import_braun_etc(kBraun);
    Evaluator ev(p);
    const double start = ev.evaluate(heuristics::min_min(p, ev)).objective;
    const Result r = run(p, heuristics::min_min, {});
    EXPECT_EQ(r.stop, StopReason::finished);  // a local optimum
    EXPECT_LT(r.evaluation.objective, start * 0.97);
    EXPECT_NEAR(ev.evaluate(r.allocation).objective, r.evaluation.objective,
                1e-9 * r.evaluation.objective);
    ASSERT_GE(r.trace.size(), 2u);
    EXPECT_DOUBLE_EQ(r.trace.front().best, start);
}

TEST(LocalSearch, SameSeedSameResultForOneAndTwoThreads) {
    const Problem p = import_braun_etc(kBraun);
    const Result a = run(p, heuristics::mct, {}, 7, 1);
    const Result b = run(p, heuristics::mct, {}, 7, 2);
    EXPECT_EQ(a.allocation, b.allocation);
    EXPECT_EQ(a.evaluation.objective, b.evaluation.objective);
    EXPECT_EQ(a.evaluations, b.evaluations);
}

TEST(LocalSearch, StopsAtTheEvaluationBudget) {
    const Problem p = import_braun_etc(kBraun);
    const Result r = run(p, heuristics::olb, {.max_evaluations = 5000});
    EXPECT_EQ(r.stop, StopReason::evaluations);
    EXPECT_GE(r.evaluations, 5000u);
    EXPECT_LE(r.evaluations, 5000u + 1024u);  // the budget is checked every 1024 scores
}

TEST(LocalSearch, KeepsGapFeasibleAndNeverWorseThanItsStart) {
    const Problem p = import_orlib_gap(ALLOCOPT_BENCH_INSTANCES "/gap/gapd.txt", {.instance = 2});
    Evaluator ev(p);
    const Evaluation start = ev.evaluate(heuristics::regret_greedy(p, ev));
    const Result r = run(p, heuristics::regret_greedy, {}, 1, 1, {.best_improvement = true});
    ASSERT_TRUE(r.evaluation.feasible());
    EXPECT_LE(r.evaluation.objective, start.objective);
    EXPECT_TRUE(ev.evaluate(r.allocation).feasible());
}

}  // namespace
}  // namespace allocopt
