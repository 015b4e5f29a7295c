#include "allocopt/solvers/local_search.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "allocopt/generators.hpp"
#include "allocopt/io/benchmarks.hpp"
#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/solvers/heuristics.hpp"

namespace allocopt {
namespace {

const std::string kBraun = ALLOCOPT_BENCH_INSTANCES "/braun-etc/u_i_hilo.0";

Result run(const Problem& p, ConstructiveSolver::Build init, const RunSettings& termination,
           std::uint64_t seed = 1, int threads = 1, LocalSearchOptions options = {}) {
    Evaluator ev(p, {.threads = threads});
    LocalSearch solver(std::move(init), options, seed);
    return solver.solve(ev, termination, nullptr);
}

TEST(LocalSearch, ImprovesMinMinOnABraunInstanceAndReportsATrueScore) {
    const Problem p = import_braun_etc(kBraun);
    Evaluator ev(p);
    const double start = ev.evaluate(heuristics::min_min(p)).objective;
    const Result r = run(p, heuristics::min_min, {});
    EXPECT_EQ(r.stop, StopReason::finished);  // a local optimum
    EXPECT_LT(r.evaluation.objective, start * 0.97);
    EXPECT_NEAR(ev.evaluate(r.allocation).objective, r.evaluation.objective,
                1e-9 * r.evaluation.objective);
    ASSERT_GE(r.trace.size(), 2u);
    EXPECT_DOUBLE_EQ(r.trace.front().best, start);
}

// On the general path DeltaState's totals are approximate (DeltaState::approximate()): the
// tracker re-scores the best once, so the Result carries exactly a fresh evaluation's score.
TEST(LocalSearch, ReportsTheExactScoreOfAClusterSchedule) {
    generators::ClusterSpec spec;
    spec.jobs = 150;
    spec.nodes = 10;
    spec.arrival_rate = 10;
    const Problem p = generators::generate_cluster(spec);
    Evaluator ev(p, {.threads = 1});
    const double start = ev.evaluate(heuristics::min_min(p)).objective;
    const Result r = run(p, heuristics::min_min, {.max_evaluations = 20000});
    const Evaluation fresh = ev.evaluate(r.allocation);
    EXPECT_EQ(r.evaluation.objective, fresh.objective);
    EXPECT_EQ(r.evaluation.violation, fresh.violation);
    EXPECT_LT(r.evaluation.objective, start);
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
    EXPECT_EQ(r.evaluations, 5000u);  // the budget is checked before every score
}

TEST(LocalSearch, KeepsGapFeasibleAndNeverWorseThanItsStart) {
    const Problem p = import_orlib_gap(ALLOCOPT_BENCH_INSTANCES "/gap/gapd.txt", {.instance = 2});
    Evaluator ev(p);
    const Evaluation start = ev.evaluate(heuristics::regret_greedy(p));
    const Result r = run(p, heuristics::regret_greedy, {}, 1, 1, {.best_improvement = true});
    ASSERT_TRUE(r.evaluation.feasible());
    EXPECT_LE(r.evaluation.objective, start.objective);
    EXPECT_TRUE(ev.evaluate(r.allocation).feasible());
}

}  // namespace
}  // namespace allocopt

namespace allocopt {
namespace {

TEST(LocalSearch, AFocusedSearchMovesOnlyTheFocusTasks) {
    const Problem p = import_braun_etc(kBraun);
    Evaluator ev(p);
    const Allocation start = heuristics::olb(p);
    DeltaState state(ev, start);
    // The focus: the tasks of the most loaded resource (moving others cannot lower the
    // makespan).
    std::vector<double> load(p.num_resources(), 0.0);
    for (std::size_t t = 0; t < p.num_tasks(); ++t)
        load[static_cast<std::size_t>(start.resource[t])] += p.time(t, start.resource[t]);
    const auto critical = std::max_element(load.begin(), load.end()) - load.begin();
    std::vector<std::uint32_t> focus;
    for (std::size_t t = 0; t < p.num_tasks(); ++t) {
        if (start.resource[t] == critical) focus.push_back(static_cast<std::uint32_t>(t));
    }
    LocalSearchOptions options;
    options.swaps = false;
    options.focus = &focus;
    Rng rng(1);
    const auto [best, score] = LocalSearch::improve_detached(state, options, rng);
    std::size_t moved = 0;
    for (std::size_t t = 0; t < p.num_tasks(); ++t) {
        if (best.resource[t] == start.resource[t]) continue;
        ++moved;
        EXPECT_NE(std::find(focus.begin(), focus.end(), t), focus.end()) << "task " << t;
    }
    EXPECT_GE(moved, 1u);
    EXPECT_LT(score.objective, ev.evaluate(start).objective);
    EXPECT_DOUBLE_EQ(ev.evaluate(best).objective, score.objective);
}

// A plateau of the makespan (schedule mode: every task arrives at 1, so the general path
// and DeltaState's schedule kind run). r0 holds a (10), the makespan 11; r1 holds b (6) and
// d (2), ending at 9; r2 holds c (1). No move or swap lowers the makespan at once: a on r1
// would end at 12, and every other change costs 30. Moving d to r2 leaves the makespan at
// 11 but shortens r1 (the tie key, the sum of squared makespans, falls); then a fits on r1
// (3 long: 1 + 6 + 3 = 10). A descent must take that sideways step to reach 10.
TEST(LocalSearch, TakesASidewaysStepThatShortensAResourceOffTheCriticalPath) {
    const Problem p = parse_problem(R"(
name: plateau
resources:
  - {id: r0, capacity: {units: 1}}
  - {id: r1, capacity: {units: 1}}
  - {id: r2, capacity: {units: 1}}
tasks:
  - {id: a, arrival: 1}
  - {id: b, arrival: 1}
  - {id: c, arrival: 1}
  - {id: d, arrival: 1}
time:
  - [10, 3, 30]
  - [30, 6, 30]
  - [30, 30, 1]
  - [30, 2, 2]
objective: {minimize: makespan}
)")
                          .problem;
    Evaluator ev(p);
    Allocation start(4);
    const std::int32_t on[] = {0, 1, 2, 1};
    for (std::size_t t = 0; t < 4; ++t)
        start.place(t, on[t], 1);
    DeltaState state(ev, start);
    ASSERT_DOUBLE_EQ(state.current().objective, 11);
    // The tie key: 11^2 + 9^2 + 2^2.
    EXPECT_DOUBLE_EQ(state.tie_key(), 121 + 81 + 4);
    EXPECT_DOUBLE_EQ(state.score_move(3, 2, 1).objective, 11);
    EXPECT_DOUBLE_EQ(state.scored_tie_key(), 121 + 49 + 16);
    EXPECT_DOUBLE_EQ(state.score_move(0, 1, 1).objective, 12);
    LocalSearchOptions options;
    Rng rng(1);
    const auto [best, score] = LocalSearch::improve_detached(state, options, rng);
    EXPECT_DOUBLE_EQ(score.objective, 10);
    EXPECT_DOUBLE_EQ(ev.evaluate(best).objective, 10);
    EXPECT_EQ(best.resource[0], 1);
    EXPECT_EQ(best.resource[3], 2);
}

}  // namespace
}  // namespace allocopt
