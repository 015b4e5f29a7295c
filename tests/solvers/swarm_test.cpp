#include "allocopt/solvers/swarm.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "allocopt/error.hpp"
#include "allocopt/io/benchmarks.hpp"
#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/solvers/heuristics.hpp"

namespace allocopt {
namespace {

const std::string kBraun = ALLOCOPT_BENCH_INSTANCES "/braun-etc/u_i_hihi.0";

Result run(const Problem& p, const Termination& termination, std::uint64_t seed = 1,
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

TEST(Swarm, SameSeedSameResultForOneAndTwoThreadsInBothTopologies) {
    const Problem braun = import_braun_etc(kBraun);
    const Problem gap = import_orlib_gap(ALLOCOPT_BENCH_INSTANCES "/gap/gapd.txt", {.instance = 3});
    for (auto topology : {SwarmOptions::Topology::global, SwarmOptions::Topology::ring}) {
        SwarmOptions o;
        o.topology = topology;
        for (const auto& [p, budget] :
             {std::pair{&braun, 60'000'000}, std::pair{&gap, 8'000'000}}) {
            const auto max = static_cast<std::uint64_t>(budget);
            const Result a = run(*p, {.max_evaluations = max}, 5, 1, o);
            const Result b = run(*p, {.max_evaluations = max}, 5, 2, o);
            EXPECT_EQ(a.allocation, b.allocation);
            EXPECT_EQ(a.evaluation.objective, b.evaluation.objective);
            EXPECT_EQ(a.evaluations, b.evaluations);
        }
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

TEST(Swarm, EndsOnItsOwnWhenTheSearchSpaceIsExhausted) {
    const ProblemFile file = read_problem_file(ALLOCOPT_PROBLEMS "/seed-example.yaml");
    const Result r = run(file.problem, {.time_limit = 60});
    EXPECT_EQ(r.stop, StopReason::finished);
    EXPECT_LT(r.seconds, 30);
}

TEST(Swarm, AnInterruptBeforeTheStartStillReturnsAnAllocation) {
    const Problem p = import_braun_etc(kBraun);
    std::atomic<bool> stop{true};
    const Result r = run(p, {.interrupt = &stop});
    EXPECT_EQ(r.stop, StopReason::interrupted);
    EXPECT_EQ(r.allocation.size(), p.num_tasks());
}

TEST(Swarm, TheOptionsTableRoundTripsAndChecksBounds) {
    OptionValues v(&swarm_option_table());
    v.set("particles", "9");
    v.set("topology", "ring");
    const SwarmOptions o = swarm_options(v);
    EXPECT_EQ(o.particles, 9);
    EXPECT_EQ(o.topology, SwarmOptions::Topology::ring);
    EXPECT_THROW(v.set("topology", "star"), InputError);
    EXPECT_THROW(v.set("social", "-1"), InputError);
}

}  // namespace
}  // namespace allocopt
