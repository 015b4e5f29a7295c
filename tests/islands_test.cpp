// The island model (allocopt/islands.hpp): one result for a seed and an island count whatever
// the thread count, the budget kept over all islands, migrants that move, one island that is
// the plain solver, islands without migration that are plain runs, and bad settings refused.

#include "allocopt/islands.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "allocopt/error.hpp"
#include "allocopt/generators.hpp"
#include "allocopt/solve.hpp"
#include "allocopt/solvers/registry.hpp"

namespace allocopt {
namespace {

namespace g = generators;

/// Small enough for a budget of 10^5 evaluations to take a fraction of a second, large enough
/// (no exhaustive listing) for the islands to differ.
const Problem& etc() {
    static const Problem p = g::generate_etc({.tasks = 96, .machines = 6, .seed = 3});
    return p;
}
const Problem& gap() {
    static const Problem p = g::generate_gap({.type = g::GapType::c, .agents = 5, .jobs = 40});
    return p;
}

/// Sanitizer builds run the same code 5-20x slower: smaller budgets, the same checks.
constexpr std::uint64_t kSlow = ALLOCOPT_TEST_SLOWDOWN;

/// Few Lagrangian iterations: the starts would take most of a small budget.
const OptionList kCheap{{"price_iterations", "20"}};

RunSettings islands(std::uint32_t n, std::uint64_t budget, int threads,
                    IslandTopology topology = IslandTopology::ring) {
    RunSettings s;
    s.islands = n;
    s.max_evaluations = budget;
    s.threads = threads;
    s.migrate_every = 3;
    s.island_topology = topology;
    return s;
}

void expect_same(const Result& a, const Result& b) {
    EXPECT_EQ(a.allocation, b.allocation);
    EXPECT_EQ(a.evaluation.objective, b.evaluation.objective);
    EXPECT_EQ(a.evaluation.violation, b.evaluation.violation);
    EXPECT_EQ(a.evaluations, b.evaluations);
    EXPECT_EQ(a.stop, b.stop);
    ASSERT_EQ(a.trace.size(), b.trace.size());
    for (std::size_t k = 0; k < a.trace.size(); ++k) {
        EXPECT_EQ(a.trace[k].evaluations, b.trace[k].evaluations) << "trace point " << k;
        EXPECT_EQ(a.trace[k].best, b.trace[k].best) << "trace point " << k;
    }
}

class Islands : public ::testing::TestWithParam<std::string> {};

TEST_P(Islands, GiveTheSameResultForOneTwoOrFourThreads) {
    for (const auto& [p, budget] :
         {std::pair{&etc(), 12000000 / kSlow}, {&gap(), 400000 / kSlow}}) {
        const Result one = solve(*p, GetParam(), kCheap, islands(4, budget, 1));
        EXPECT_TRUE(one.found);
        EXPECT_GT(one.trace.size(), 0U);
        expect_same(one, solve(*p, GetParam(), kCheap, islands(4, budget, 2)));
        expect_same(one, solve(*p, GetParam(), kCheap, islands(4, budget, 4)));
    }
}

TEST_P(Islands, RandomTopologyIsAFunctionOfTheSeed) {
    const RunSettings one = islands(3, 9000000 / kSlow, 1, IslandTopology::random);
    const RunSettings three = islands(3, 9000000 / kSlow, 3, IslandTopology::random);
    expect_same(solve(etc(), GetParam(), kCheap, one), solve(etc(), GetParam(), kCheap, three));
}

TEST_P(Islands, KeepTheBudgetOverAllIslands) {
    for (std::uint64_t budget : {400001ULL, 7ULL * 40000 + 3}) {
        const Result r = solve(gap(), GetParam(), kCheap, islands(4, budget, 2));
        EXPECT_LE(r.evaluations, budget);
        EXPECT_GE(r.evaluations, budget * 9 / 10) << "the islands should spend their shares";
        EXPECT_EQ(r.stop, StopReason::evaluations);
    }
    // A fresh evaluation gives the value reported.
    const Result r = solve(etc(), GetParam(), kCheap, islands(3, 3000000, 2));
    Evaluator ev(etc());
    EXPECT_EQ(ev.evaluate(r.allocation).objective, r.evaluation.objective);
    EXPECT_EQ(r.placements.size(), etc().num_tasks());
}

TEST_P(Islands, OneIslandIsThePlainSolver) {
    RunSettings one = islands(1, 1000000 / kSlow, 2);
    RunSettings plain;
    plain.max_evaluations = 1000000 / kSlow;
    plain.threads = 2;
    expect_same(solve(etc(), GetParam(), kCheap, one), solve(etc(), GetParam(), kCheap, plain));
}

/// Without migration, island i is the plain solver seeded island_seed(seed, i) with its share
/// of the budget: epochs cut nothing in the search.
TEST_P(Islands, WithoutMigrationEachIslandIsAPlainRun) {
    const Result r =
        solve(etc(), GetParam(), kCheap, islands(3, 4500000 / kSlow, 2, IslandTopology::none));
    Evaluation best{0, 1e300};
    std::uint64_t total = 0;
    for (std::uint32_t i = 0; i < 3; ++i) {
        RunSettings plain;
        plain.max_evaluations = 1500000 / kSlow;
        plain.seed = island_seed(1, i);
        const Result own = solve(etc(), GetParam(), kCheap, plain);
        total += own.evaluations;
        if (i == 0 || better(own.evaluation, best, Sense::minimize)) best = own.evaluation;
    }
    EXPECT_EQ(r.evaluations, total);
    EXPECT_EQ(r.evaluation.objective, best.objective);
}

/// An island handed a migrant better than all its members takes it in and sends it on.
TEST_P(Islands, AMigrantBetterThanEveryMemberIsTakenIn) {
    RunSettings long_run;
    long_run.max_evaluations = 2000000;
    const Result good = solve(etc(), GetParam(), kCheap, long_run);

    const auto solver = make_solver(GetParam(), kCheap);
    Evaluator ev(etc());
    RunSettings own;
    own.max_evaluations = 20000;  // the starts only: a poorer population
    SearchTracker tracker(ev, own, nullptr);
    const auto island =
        dynamic_cast<const IslandSolver&>(*solver).make_island(island_seed(1, 0), ev, tracker);
    ASSERT_TRUE(island->start() || tracker.has_best());
    const std::vector<Migrant> before = island->emigrants(1);
    ASSERT_EQ(before.size(), 1U);
    ASSERT_TRUE(better(good.evaluation, before[0].evaluation, Sense::minimize))
        << "the long run should beat the starts";
    const Migrant migrant{good.allocation, good.evaluation};
    island->immigrate({&migrant, 1});
    const std::vector<Migrant> after = island->emigrants(1);
    ASSERT_EQ(after.size(), 1U);
    EXPECT_EQ(after[0].allocation, good.allocation);
    EXPECT_EQ(after[0].evaluation.objective, good.evaluation.objective);
    // Taken once: the same migrant again changes nothing.
    island->immigrate({&migrant, 1});
    const std::vector<Migrant> twice = island->emigrants(2);
    ASSERT_EQ(twice.size(), 2U);
    EXPECT_NE(twice[1].allocation, good.allocation);
}

INSTANTIATE_TEST_SUITE_P(PopulationSearches, Islands, ::testing::Values("ga", "pso"),
                         [](const auto& instance) {  // not `info`: the macro's parameter
                             return std::string(instance.param);
                         });

TEST(IslandSettings, AreRefusedWhenTheyCannotRun) {
    auto key_of = [](auto&& f) -> std::string {
        try {
            f();
        } catch (const InputError& e) {
            return e.key();
        }
        return "(nothing thrown)";
    };
    // A solver that is not a population search.
    EXPECT_EQ(key_of([] { solve(etc(), "min-min", {}, islands(2, 1000, 1)); }), "islands");
    // No island at all.
    EXPECT_EQ(key_of([] { solve(etc(), "ga", {}, islands(0, 1000, 1)); }), "islands");
    // Fewer evaluations than islands.
    EXPECT_EQ(key_of([] { solve(etc(), "ga", {}, islands(4, 3, 1)); }), "islands");
    // One island of a solver that is not a population search is that solver.
    EXPECT_TRUE(solve(etc(), "min-min", {}, islands(1, 1000, 1)).found);
}

TEST(IslandReports, TravelAsBytesExactly) {
    IslandReport r;
    r.island = 7;
    r.done = true;
    r.stop = StopReason::stall;
    r.evaluations = 123456789012ULL;
    Allocation a(3);
    a.place(0, 1, 2);
    a.place(2, 0, 1);
    r.best = Migrant{a, {0.1 + 0.2, 0}};
    r.bound = 1.0 / 3;
    a.devices = {0, 5, 0};
    r.emigrants = {Migrant{a, {2.5, 1e-300}}};
    const IslandReport back = decode(encode(r));
    EXPECT_EQ(back.island, 7U);
    EXPECT_TRUE(back.done);
    EXPECT_EQ(back.stop, StopReason::stall);
    EXPECT_EQ(back.evaluations, r.evaluations);
    ASSERT_TRUE(back.best);
    EXPECT_EQ(back.best->allocation, r.best->allocation);
    EXPECT_EQ(back.best->evaluation.objective, 0.1 + 0.2);
    EXPECT_EQ(back.bound, r.bound);
    ASSERT_EQ(back.emigrants.size(), 1U);
    EXPECT_EQ(back.emigrants[0].allocation, a);
    EXPECT_EQ(back.emigrants[0].evaluation.violation, 1e-300);
    std::string bytes = encode(r);
    EXPECT_THROW(decode(bytes.substr(0, bytes.size() - 1)), std::runtime_error);
    bytes[0] = 'x';
    EXPECT_THROW(decode(bytes), std::runtime_error);
}

}  // namespace
}  // namespace allocopt
