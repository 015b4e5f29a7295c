// The pagmo solvers (`pagmo-sga`, ...; include/allocopt/solvers/pagmo.hpp): each, from the
// registry, on small problems under small budgets: a valid allocation scored as reported, the
// budget kept exactly, the same result for one and two threads, the interrupt and the time
// limit kept, and seeded=true never worse than our best heuristic start. Skipped in a build
// without pagmo. The registry-wide suites (limits, properties) cover them as well.

#include "allocopt/solvers/pagmo.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "allocopt/error.hpp"
#include "allocopt/generators.hpp"
#include "allocopt/io/benchmarks.hpp"
#include "allocopt/islands.hpp"
#include "allocopt/solve.hpp"
#include "allocopt/solvers/registry.hpp"
#include "solvers/memetic.hpp"

namespace allocopt {
namespace {

namespace g = generators;

std::vector<std::string> pagmo_solvers() {
    std::vector<std::string> names;
    for (const PagmoAlgorithm a : pagmo_algorithms())
        names.push_back("pagmo-" + std::string(pagmo_name(a)));
    return names;
}

/// One problem per kind the adapter meets: the load path (ETC), packing with capacities that
/// can be broken (GAP), list scheduling with unit choices and allowed lists (the GPU cluster).
const std::vector<Problem>& problems() {
    static const std::vector<Problem> list = [] {
        std::vector<Problem> v;
        v.push_back(g::generate_etc({.tasks = 64, .machines = 8}));
        v.push_back(g::generate_gap({.type = g::GapType::c, .agents = 5, .jobs = 40}));
        v.push_back(g::generate_cluster({.jobs = 40, .nodes = 6}));
        return v;
    }();
    return list;
}

struct Solved {
    Result result;
    std::uint64_t counted = 0;  ///< what the Evaluator counted during the solve
    double wall = 0;
};

class Pagmo : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        if (!pagmo_available()) GTEST_SKIP() << "built without pagmo";
    }
    static Solved solve(const Problem& p, const RunSettings& t, int threads = 1,
                        bool seeded = false, Observer* observer = nullptr) {
        const SolverEntry& entry = find_solver(GetParam());
        OptionValues values(&entry.options);
        if (seeded) values.set("seeded", "true");
        Evaluator ev(p, {.threads = threads});
        const auto solver = entry.make(values, 1);
        Solved s;
        const auto start = std::chrono::steady_clock::now();
        s.result = solver->solve(ev, t, observer);
        s.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        s.counted = ev.evaluations();
        return s;
    }
};

/// `r` holds decisions the problem admits, scored by a fresh Evaluator exactly as reported.
void expect_valid(const Problem& p, const Result& r) {
    ASSERT_TRUE(r.found);
    ASSERT_EQ(r.allocation.size(), p.num_tasks());
    EXPECT_NO_THROW(check_decisions(p, r.allocation));
    Evaluator fresh(p, {.threads = 1});
    const Evaluation e = fresh.evaluate(r.allocation);
    EXPECT_EQ(e.objective, r.evaluation.objective);
    EXPECT_EQ(e.violation, r.evaluation.violation);
    if (r.evaluation.feasible()) {
        EXPECT_NO_THROW(check_allocation(p, r.allocation, true));
    }
}

TEST_P(Pagmo, GivesAValidAllocationAndKeepsTheBudgetExactly) {
    for (const Problem& p : problems()) {
        for (const std::uint64_t budget : {1, 7, 3000}) {
            SCOPED_TRACE(p.name() + " / " + std::to_string(budget));
            const Solved s = solve(p, {.max_evaluations = budget, .time_limit = 30});
            expect_valid(p, s.result);
            EXPECT_LE(s.result.evaluations, budget);
            EXPECT_EQ(s.result.evaluations, s.counted);
            EXPECT_EQ(s.result.stop, StopReason::evaluations);
        }
    }
}

TEST_P(Pagmo, SameSeedSameResultForOneAndTwoThreads) {
    // 120 jobs: a batch costs enough for evaluate_batch to use both threads.
    const Problem p = g::generate_cluster({.jobs = 120, .nodes = 12, .seed = 4});
    const RunSettings t{.max_evaluations = 2000, .time_limit = 30};
    const Result a = solve(p, t, 1).result, b = solve(p, t, 2).result;
    EXPECT_EQ(a.allocation, b.allocation);
    EXPECT_EQ(a.evaluation.objective, b.evaluation.objective);
    EXPECT_EQ(a.evaluations, b.evaluations);
    ASSERT_EQ(a.trace.size(), b.trace.size());
    for (std::size_t k = 0; k < a.trace.size(); ++k) {
        EXPECT_EQ(a.trace[k].evaluations, b.trace[k].evaluations) << "improvement " << k;
        EXPECT_EQ(a.trace[k].best, b.trace[k].best) << "improvement " << k;
    }
}

/// Sets the interrupt flag at the `at`-th improvement, as Ctrl-C would.
class InterruptAt : public Observer {
  public:
    explicit InterruptAt(int at) : at_(at) {}
    void on_improvement(const TracePoint& point) override {
        last = point;
        if (++improvements >= at_) flag = true;
    }
    std::atomic<bool> flag{false};
    int improvements = 0;
    TracePoint last;

  private:
    int at_;
};

TEST_P(Pagmo, AnInterruptEndsTheRunWithTheBestSoFar) {
    const Problem& p = problems()[2];
    {
        std::atomic<bool> already{true};
        const Solved s = solve(p, {.interrupt = &already});
        EXPECT_EQ(s.result.stop, StopReason::interrupted);
        expect_valid(p, s.result);
        EXPECT_EQ(s.result.evaluations, 1u);  // the one allocation it returns
    }
    InterruptAt observer(3);  // in the search: the initial population gives one or two
    const Solved s = solve(p, {.interrupt = &observer.flag}, 1, false, &observer);
    EXPECT_EQ(s.result.stop, StopReason::interrupted);
    expect_valid(p, s.result);
    EXPECT_EQ(s.result.trace.size(), static_cast<std::size_t>(observer.improvements));
    EXPECT_EQ(s.result.evaluation.objective, observer.last.best);
}

TEST_P(Pagmo, KeepsATimeLimit) {
    constexpr double kLimit = 0.2, kMargin = 0.3 * ALLOCOPT_TEST_SLOWDOWN;
    const Problem p = g::generate_etc({.tasks = 2000, .machines = 16});
    const Solved s = solve(p, {.time_limit = kLimit});
    EXPECT_EQ(s.result.stop, StopReason::time);
    EXPECT_LT(s.wall, kLimit + kMargin);
    expect_valid(p, s.result);
}

TEST_P(Pagmo, SeededIsNeverWorseThanTheBestHeuristicStart) {
    for (const Problem& p : problems()) {
        SCOPED_TRACE(p.name());
        const RunSettings t{.max_evaluations = 20000, .time_limit = 30};
        // The best of the starts the GA gets, improved as the GA improves them.
        Evaluator ev(p, {.threads = 1});
        SearchTracker tracker(ev, t, nullptr);
        detail::Memetic memetic(ev, tracker);
        ASSERT_FALSE(memetic.starts(32, 3000).empty());
        const Evaluation start = tracker.best_evaluation();
        const Result seeded = solve(p, t, 1, true).result;
        expect_valid(p, seeded);
        // The starts' local search scores by DeltaState, whose value may differ from a fresh
        // evaluation in the last digits (the Result's is fresh): compared within 1e-9.
        ASSERT_EQ(p.objective().sense, Sense::minimize);
        if (start.feasible()) {
            ASSERT_TRUE(seeded.evaluation.feasible()) << seeded.evaluation.violation;
            EXPECT_LE(seeded.evaluation.objective,
                      start.objective + 1e-9 * std::max(1.0, std::abs(start.objective)));
        } else {
            EXPECT_LE(seeded.evaluation.violation, start.violation * (1 + 1e-9));
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Solvers, Pagmo, ::testing::ValuesIn(pagmo_solvers()),
                         [](const auto& instance) {  // not `info`: the macro's parameter
                             std::string name = instance.param;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

/// On islands (`--islands N`): the same result for one and three threads, the budget kept
/// over the islands and spent, the value reported what a fresh Evaluator gives.
TEST_P(Pagmo, RunsOnIslandsWithTheSameResultForAnyThreadCount) {
    const Problem& p = problems()[0];
    RunSettings t;
    t.islands = 3;
    t.migrate_every = 2;
    t.max_evaluations = 6001;
    t.time_limit = 60;
    t.threads = 1;
    const Result one = allocopt::solve(p, GetParam(), {}, t);
    expect_valid(p, one);
    EXPECT_LE(one.evaluations, t.max_evaluations);
    EXPECT_GE(one.evaluations, t.max_evaluations * 9 / 10)
        << "the islands should spend their shares";
    EXPECT_EQ(one.stop, StopReason::evaluations);
    t.threads = 3;
    const Result three = allocopt::solve(p, GetParam(), {}, t);
    EXPECT_EQ(one.allocation, three.allocation);
    EXPECT_EQ(one.evaluation.objective, three.evaluation.objective);
    EXPECT_EQ(one.evaluations, three.evaluations);
    ASSERT_EQ(one.trace.size(), three.trace.size());
    for (std::size_t k = 0; k < one.trace.size(); ++k)
        EXPECT_EQ(one.trace[k].best, three.trace[k].best) << "improvement " << k;
}

/// A step of pagmo's cannot be cut short, so one that would end past the time limit is not
/// started; the run, alone or on islands, then says it stopped for time. At 100,000 tasks the
/// initial population takes most of a 0.3 s limit and a step takes longer than what is left.
TEST_P(Pagmo, AStepThatWouldPassTheTimeLimitIsNotStartedAndTheStopSaysTime) {
    static const Problem big = g::generate_etc({.tasks = 100000, .machines = 4});
    constexpr double kLimit = 0.3, kMargin = 0.4 * ALLOCOPT_TEST_SLOWDOWN;
    for (const int islands : {1, 2}) {
        SCOPED_TRACE(islands);
        RunSettings t;
        t.islands = islands;
        t.time_limit = kLimit;
        t.threads = 1;
        const auto began = std::chrono::steady_clock::now();
        const Result r = allocopt::solve(big, GetParam(), {}, t);
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
        EXPECT_EQ(r.stop, StopReason::time);
        EXPECT_LT(wall, kLimit + kMargin);
        ASSERT_TRUE(r.found);
        EXPECT_EQ(r.allocation.size(), big.num_tasks());
    }
}

/// An island handed a migrant better than all it has seen takes it in and sends it on; a
/// worse one changes nothing.
TEST_P(Pagmo, AnIslandTakesInABetterMigrantAndSendsItOn) {
    const Problem& p = problems()[0];
    const Result good = allocopt::solve(p, RunSettings{.solver = "ga", .max_evaluations = 200000});
    const SolverEntry& entry = find_solver(GetParam());
    const OptionValues values(&entry.options);
    const auto solver = entry.make(values, 1);
    Evaluator ev(p, {.threads = 1});
    SearchTracker tracker(ev, {.max_evaluations = 500}, nullptr);
    const auto island =
        dynamic_cast<const IslandSolver&>(*solver).make_island(island_seed(1, 0), ev, tracker);
    ASSERT_TRUE(island->start());
    const std::vector<Migrant> before = island->emigrants(1);
    ASSERT_EQ(before.size(), 1U);
    ASSERT_TRUE(better(good.evaluation, before[0].evaluation, Sense::minimize));
    const Migrant worse{before[0].allocation, before[0].evaluation};
    island->immigrate({&worse, 1});  // already a member: nothing changes
    const Migrant migrant{good.allocation, good.evaluation};
    island->immigrate({&migrant, 1});
    const std::vector<Migrant> after = island->emigrants(1);
    ASSERT_EQ(after.size(), 1U);
    EXPECT_EQ(after[0].allocation, good.allocation);
    EXPECT_EQ(after[0].evaluation.objective, good.evaluation.objective);
    EXPECT_TRUE(island->emigrants(0).empty());
}

TEST(PagmoRegistry, EveryAlgorithmIsRegisteredWithItsOptions) {
    if (!pagmo_available()) GTEST_SKIP() << "built without pagmo";
    for (const std::string& name : pagmo_solvers()) {
        const SolverEntry& entry = find_solver(name);
        EXPECT_FALSE(entry.label.empty());
        const auto has = [&](std::string_view option) {
            return std::any_of(entry.options.begin(), entry.options.end(),
                               [&](const OptionSpec& s) { return s.name == option; });
        };
        EXPECT_TRUE(has("population")) << name;
        EXPECT_TRUE(has("seeded")) << name;
    }
}

TEST(PagmoRegistry, AnUnknownPagmoNameGetsADidYouMean) {
    if (!pagmo_available()) GTEST_SKIP() << "built without pagmo";
    for (const auto& [typo, meant] :
         {std::pair{"pagmo-nsga-2", "pagmo-nsga2"}, std::pair{"pagmo-pso-gen", "pagmo-pso_gen"},
          std::pair{"pagmo-xyz", "pagmo-"}}) {
        try {
            find_solver(typo);
            ADD_FAILURE() << typo << " was found";
        } catch (const InputError& e) {
            EXPECT_EQ(e.key(), "solver");
            EXPECT_NE(e.message().find("did you mean '" + std::string(meant)), std::string::npos)
                << e.message();
        }
    }
}

TEST(PagmoRegistry, BadOptionsAreRefusedNamingTheOptionAndTheValue) {
    const auto refused = [](PagmoAlgorithm a, PagmoOptions o, std::string_view key) {
        try {
            PagmoSolver solver(a, o, 1);
            ADD_FAILURE() << "accepted";
        } catch (const InputError& e) {
            EXPECT_EQ(e.key(), key) << e.what();
        }
    };
    refused(PagmoAlgorithm::nsga2, {.population = 30}, "population");  // not a multiple of 4
    refused(PagmoAlgorithm::de, {.population = 4}, "population");      // de needs 5
    refused(PagmoAlgorithm::sade, {.population = 6}, "population");    // sade needs 7
    refused(PagmoAlgorithm::sga, {.sga_cr = 1.5}, "cr");
    // gaco's kernel above the population names both.
    try {
        PagmoSolver solver(PagmoAlgorithm::gaco, {.population = 8, .gaco_ker = 16}, 1);
        ADD_FAILURE() << "accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("ker"), std::string::npos) << e.what();
    }
}

TEST(PagmoRegistry, WithoutPagmoTheSolverSaysSoWhenRun) {
    if (pagmo_available()) GTEST_SKIP() << "built with pagmo";
    const Problem p = g::generate_etc({.tasks = 8, .machines = 2});
    Evaluator ev(p);
    PagmoSolver solver(PagmoAlgorithm::sga, {}, 1);
    EXPECT_THROW(solver.solve(ev, {.max_evaluations = 10}, nullptr), InputError);
    EXPECT_TRUE(std::none_of(solver_registry().begin(), solver_registry().end(),
                             [](const SolverEntry& e) { return e.name.starts_with("pagmo-"); }));
}

}  // namespace
}  // namespace allocopt
