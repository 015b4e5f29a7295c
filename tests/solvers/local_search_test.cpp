#include "allocopt/solvers/local_search.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "allocopt/generators.hpp"
#include "allocopt/io/benchmarks.hpp"
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

}  // namespace
}  // namespace allocopt
