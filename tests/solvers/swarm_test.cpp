#include "allocopt/solvers/swarm.hpp"

#include <gtest/gtest.h>

#include "allocopt/error.hpp"
#include "allocopt/io/benchmarks.hpp"
#include "allocopt/solvers/heuristics.hpp"

namespace allocopt {
namespace {

const std::string kBraun = ALLOCOPT_BENCH_INSTANCES "/braun-etc/u_i_hihi.0";

Result run(const Problem& p, const RunSettings& termination, std::uint64_t seed = 1,
           int threads = 1, SwarmOptions options = {}) {
    Evaluator ev(p, {.threads = threads});
    ParticleSwarm pso(options, seed);
    return pso.solve(ev, termination, nullptr);
}

TEST(Swarm, GetsWithinOnePercentOfTheBestKnownBraunMakespan) {
    const Problem p = import_braun_etc(kBraun);
    Evaluator ev(p);
    const double min_min = ev.evaluate(heuristics::min_min(p)).objective;
    const Result r = run(p, {.max_evaluations = 60'000'000});
    ASSERT_TRUE(r.evaluation.feasible());
    // Best known 2924720.023 (bench/instances/braun-etc/RESULTS.md); min-min is 20 % above.
    EXPECT_LT(r.evaluation.objective, 2924720.023 * 1.01);
    EXPECT_LT(r.evaluation.objective, min_min * 0.85);
    EXPECT_DOUBLE_EQ(ev.evaluate(r.allocation).objective, r.evaluation.objective);
}

TEST(Swarm, SameSeedSameResultForOneAndTwoThreadsInTheRingTopology) {
    // The global topology (the default) is checked with every population search
    // (population_test.cpp).
    const Problem braun = import_braun_etc(kBraun);
    const Problem gap = import_orlib_gap(ALLOCOPT_BENCH_INSTANCES "/gap/gapd.txt", {.instance = 3});
    SwarmOptions o;
    o.topology = SwarmOptions::Topology::ring;
    for (const auto& [p, budget] : {std::pair{&braun, 60'000'000}, std::pair{&gap, 8'000'000}}) {
        const auto max = static_cast<std::uint64_t>(budget);
        const Result a = run(*p, {.max_evaluations = max}, 5, 1, o);
        const Result b = run(*p, {.max_evaluations = max}, 5, 2, o);
        EXPECT_EQ(a.allocation, b.allocation);
        EXPECT_EQ(a.evaluation.objective, b.evaluation.objective);
        EXPECT_EQ(a.evaluations, b.evaluations);
    }
}

TEST(Swarm, FeasibleOnAGapInstanceAndNeverWorseThanRegret) {
    const Problem p = import_orlib_gap(ALLOCOPT_BENCH_INSTANCES "/gap/gapd.txt", {.instance = 2});
    Evaluator ev(p);
    const Evaluation regret = ev.evaluate(heuristics::regret_greedy(p));
    const Result r = run(p, {.max_evaluations = 5'000'000});
    ASSERT_TRUE(r.evaluation.feasible());
    EXPECT_LE(r.evaluation.objective, regret.objective);
    EXPECT_TRUE(ev.evaluate(r.allocation).feasible());
}

}  // namespace
}  // namespace allocopt
