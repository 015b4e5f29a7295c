#include "allocopt/solvers/genetic.hpp"

#include <gtest/gtest.h>

#include "allocopt/error.hpp"
#include "allocopt/generators.hpp"
#include "allocopt/io/benchmarks.hpp"
#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/solvers/heuristics.hpp"

namespace allocopt {
namespace {

const std::string kBraun = ALLOCOPT_BENCH_INSTANCES "/braun-etc/u_s_hihi.0";
const std::string kGap = ALLOCOPT_BENCH_INSTANCES "/gap/gap1.txt";

Result run(const Problem& p, const RunSettings& termination, std::uint64_t seed = 1,
           int threads = 1, GeneticOptions options = {}) {
    Evaluator ev(p, {.threads = threads});
    GeneticAlgorithm ga(options, seed);
    return ga.solve(ev, termination, nullptr);
}

TEST(Genetic, BeatsMinMinByFarOnABraunInstanceWithASmallBudget) {
    const Problem p = import_braun_etc(kBraun);
    Evaluator ev(p);
    const double min_min = ev.evaluate(heuristics::min_min(p)).objective;
    const Result r = run(p, {.max_evaluations = 20'000'000});
    EXPECT_EQ(r.stop, StopReason::evaluations);
    ASSERT_TRUE(r.evaluation.feasible());
    // Best known 4080153.449 (bench/instances/braun-etc/RESULTS.md); min-min is 26 % above.
    EXPECT_LT(r.evaluation.objective, 4080153.449 * 1.01);
    EXPECT_LT(r.evaluation.objective, min_min * 0.85);
    EXPECT_DOUBLE_EQ(ev.evaluate(r.allocation).objective, r.evaluation.objective);
    // The Lagrangian bound cannot pass the LP bound 4063563.719 and comes close to it.
    ASSERT_TRUE(r.lower_bound.has_value());
    EXPECT_LE(*r.lower_bound, 4063563.719 + 1e-3);
    EXPECT_GE(*r.lower_bound, 4063563.719 * 0.999);
}

TEST(Genetic, ReportsAValidLagrangianBoundOnGap) {
    // gapd-6 (d20200): LP bound 12217.69, best known 12238 (bench/instances/gap/OPTIMA.md).
    const Problem p = import_orlib_gap(ALLOCOPT_BENCH_INSTANCES "/gap/gapd.txt", {.instance = 6});
    const Result r = run(p, {.max_evaluations = 4'000'000});
    ASSERT_TRUE(r.evaluation.feasible());
    ASSERT_TRUE(r.lower_bound.has_value());
    EXPECT_LE(*r.lower_bound, 12217.70);
    EXPECT_GE(*r.lower_bound, 12217.69 * 0.995);
    EXPECT_GE(r.evaluation.objective, 12238);
    EXPECT_LE(*r.lower_bound, r.evaluation.objective);
}

TEST(Genetic, DifferentSeedsSearchDifferently) {
    // The starts do not depend on the seed; the search after them does.
    const Problem p = import_braun_etc(kBraun);
    const Result a = run(p, {.max_evaluations = 80'000'000}, 1);
    const Result b = run(p, {.max_evaluations = 80'000'000}, 2);
    EXPECT_NE(a.allocation, b.allocation);
}

TEST(Genetic, FindsTheOptimumOfASmallGapInstance) {
    // gap1 instance 1 (c515-1), minimisation optimum 261 (bench/instances/gap/OPTIMA.md).
    const Problem p = import_orlib_gap(kGap, {.instance = 1});
    const Result r = run(p, {.max_evaluations = 5'000'000, .target = 261.0});
    ASSERT_TRUE(r.evaluation.feasible());
    EXPECT_EQ(r.evaluation.objective, 261);
    EXPECT_EQ(r.stop, StopReason::target);
}

TEST(Genetic, ScoresEveryAllocationOfATinyProblem) {
    // seed-example: preprocessing on cpu with 1..8 units, training on gpu with 1, 2 or 4: 24
    // allocations, each scored once; the best of them is a proven optimum.
    const ProblemFile file = read_problem_file(ALLOCOPT_PROBLEMS "/seed-example.yaml");
    const Problem& p = file.problem;
    const Result r = run(p, {.max_evaluations = 1000});
    EXPECT_EQ(r.stop, StopReason::finished);
    EXPECT_EQ(r.evaluations, 24u);
    Evaluator ev(p, {.threads = 1});
    Allocation a(p.num_tasks());
    for (int cpu = 1; cpu <= 8; ++cpu) {
        for (const int gpu : {1, 2, 4}) {
            a.place(0, 0, cpu);
            a.place(1, 1, gpu);
            EXPECT_FALSE(better(ev.evaluate(a), r.evaluation, p.objective().sense));
        }
    }
}

TEST(Genetic, ItsNotesSayWhichStartsItSkipped) {
    // Sufferage takes O(n^2) steps: above 5,000 tasks it is no start, and the Result says so.
    const Problem big = generators::generate_cluster({.jobs = 5001, .nodes = 16, .seed = 2});
    const Result r = run(big, {.max_evaluations = 200});
    ASSERT_EQ(r.notes.size(), 1u);
    EXPECT_NE(r.notes[0].find("sufferage start skipped"), std::string::npos) << r.notes[0];
    const Problem small = generators::generate_cluster({.jobs = 300, .nodes = 16, .seed = 2});
    EXPECT_TRUE(run(small, {.max_evaluations = 200}).notes.empty());
}

}  // namespace
}  // namespace allocopt
