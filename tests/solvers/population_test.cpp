// What every population search (src/solvers/population.hpp: the GA, the PSO, whatever joins
// them) must keep, whatever its moves: a valid allocation that a fresh Evaluator scores as
// reported, the best so far when interrupted, the same result for one and two threads under a
// budget of evaluations, and the budget itself, counted as the Evaluator counts. The solvers
// come from the registry: a new population search is covered without touching this file.
// Each solver's own behaviour (its quality, its options) stays in its own test file.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include "allocopt/generators.hpp"
#include "allocopt/io/benchmarks.hpp"
#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/io/result_io.hpp"
#include "allocopt/io/solver_config.hpp"
#include "allocopt/solvers/registry.hpp"

namespace allocopt {
namespace {

namespace g = generators;

/// The registry's population searches.
std::vector<std::string> population_solvers() {
    std::vector<std::string> names;
    for (const SolverEntry& e : solver_registry()) {
        if (e.population) names.emplace_back(e.name);
    }
    return names;
}

TEST(PopulationSolvers, TheRegistryListsTheGaAndThePso) {
    const std::vector<std::string> names = population_solvers();
    EXPECT_NE(std::find(names.begin(), names.end(), "ga"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "pso"), names.end());
    EXPECT_EQ(std::find(names.begin(), names.end(), "local-search"), names.end());
}

struct Solved {
    Result result;
    std::uint64_t counted = 0;  ///< what the Evaluator counted during the solve
};

class Population : public ::testing::TestWithParam<std::string> {
  protected:
    Solved solve(const Problem& p, const RunSettings& t, int threads = 1, std::uint64_t seed = 1,
                 Observer* observer = nullptr) const {
        const SolverEntry& entry = find_solver(GetParam());
        Evaluator ev(p, {.threads = threads});
        const auto solver = entry.make(OptionValues(&entry.options), seed);
        Solved s;
        s.result = solver->solve(ev, t, observer);
        s.counted = ev.evaluations();
        return s;
    }
};

/// Every task of `a` is placed (none of these problems has optional tasks) on a resource it
/// may use, with a unit count it admits and the resource holds. Returns the first fault as
/// text, or "".
std::string placement_fault(const Problem& p, const Allocation& a) {
    if (a.resource.size() != p.num_tasks() || a.units.size() != p.num_tasks())
        return "allocation of " + std::to_string(a.resource.size()) + " tasks";
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        const std::string task = "task " + p.task(i).id;
        const std::int32_t r = a.resource[i];
        if (r == Allocation::kUnplaced) {
            if (!p.task(i).optional) return task + " unplaced";
            continue;
        }
        if (r < 0 || static_cast<std::size_t>(r) >= p.num_resources())
            return task + ": resource index " + std::to_string(r);
        const auto j = static_cast<std::size_t>(r);
        if (!p.allowed(i, j)) return task + " not allowed on " + p.resource(j).id;
        if (!p.task(i).units.allows(a.units[i]))
            return task + ": unit count " + std::to_string(a.units[i]) + " not admissible";
        if (a.units[i] > p.capacity(j, 0))
            return task + ": " + std::to_string(a.units[i]) + " units on " + p.resource(j).id;
    }
    return "";
}

/// `r` is a valid allocation, scored by a fresh Evaluator exactly as reported.
void expect_valid(const Problem& p, const Result& r) {
    ASSERT_TRUE(r.found);
    EXPECT_EQ(placement_fault(p, r.allocation), "");
    Evaluator fresh(p, {.threads = 1});
    const Evaluation e = fresh.evaluate(r.allocation);
    EXPECT_NEAR(e.objective, r.evaluation.objective, 1e-9 * std::max(1.0, std::abs(e.objective)));
    EXPECT_NEAR(e.violation, r.evaluation.violation, 1e-9 * std::max(1.0, e.violation));
}

/// One problem per path of the shared operators: the makespan kernel (ETC), the incremental
/// packing state (GAP; cloud balancing with fixed costs), full evaluations with unit choices,
/// allowed lists and demands (the GPU cluster, list scheduling).
const std::vector<Problem>& problems() {
    static const std::vector<Problem> list = [] {
        std::vector<Problem> v;
        v.push_back(g::generate_etc({.tasks = 128, .machines = 8}));
        v.push_back(g::generate_gap({.type = g::GapType::c, .agents = 5, .jobs = 40}));
        v.push_back(
            import_cloudbalancing(std::string(ALLOCOPT_BENCH_INSTANCES) +
                                  "/cloudbalancing/100computers-300processes.computers.csv"));
        v.push_back(g::generate_cluster({.jobs = 60, .nodes = 8}));
        return v;
    }();
    return list;
}

TEST_P(Population, GivesAValidAllocationScoredAsReported) {
    for (const Problem& p : problems()) {
        SCOPED_TRACE(p.name());
        const Result r = solve(p, {.max_evaluations = 300'000, .time_limit = 60}, 2).result;
        expect_valid(p, r);
        // Each of these problems has feasible allocations that the starts find.
        EXPECT_TRUE(r.evaluation.feasible()) << "violation " << r.evaluation.violation;
        if (r.evaluation.feasible()) {
            EXPECT_NO_THROW(check_allocation(p, r.allocation, true));
        }
    }
}

/// Sets the interrupt flag at the first improvement, as Ctrl-C would; keeps the last
/// improvement reported.
class InterruptAtFirstImprovement : public Observer {
  public:
    void on_improvement(const TracePoint& point) override {
        ++improvements;
        last = point;
        flag = true;
    }
    std::atomic<bool> flag{false};
    int improvements = 0;
    TracePoint last;
};

TEST_P(Population, AnInterruptReturnsTheBestSoFar) {
    for (const Problem& p : problems()) {
        SCOPED_TRACE(p.name());
        InterruptAtFirstImprovement observer;
        const Result r = solve(p, {.interrupt = &observer.flag}, 1, 1, &observer).result;
        EXPECT_EQ(r.stop, StopReason::interrupted);
        expect_valid(p, r);
        // What it returns is the last improvement it reported: nothing found later is lost.
        ASSERT_GE(observer.improvements, 1);
        ASSERT_FALSE(r.trace.empty());
        EXPECT_EQ(r.trace.size(), static_cast<std::size_t>(observer.improvements));
        EXPECT_EQ(r.evaluation.objective, observer.last.best);
        EXPECT_EQ(r.evaluation.feasible(), observer.last.feasible);
    }
}

TEST_P(Population, AnInterruptBeforeTheStartStillReturnsAValidAllocation) {
    const Problem p = import_braun_etc(ALLOCOPT_BENCH_INSTANCES "/braun-etc/u_s_hihi.0");
    std::atomic<bool> stop{true};
    const Solved s = solve(p, {.interrupt = &stop});
    EXPECT_EQ(s.result.stop, StopReason::interrupted);
    expect_valid(p, s.result);
    EXPECT_LE(s.result.evaluations, 1u);  // the one allocation it returns
}

TEST_P(Population, SameSeedSameResultForOneAndTwoThreads) {
    const Problem braun = import_braun_etc(ALLOCOPT_BENCH_INSTANCES "/braun-etc/u_i_hihi.0");
    const Problem gap = import_orlib_gap(ALLOCOPT_BENCH_INSTANCES "/gap/gapd.txt", {.instance = 3});
    const Problem cluster = g::generate_cluster({.jobs = 120, .nodes = 12, .seed = 4});
    // Budgets that reach well past the starts into the generations.
    for (const auto& [p, budget] : {std::pair{&braun, 60'000'000}, std::pair{&gap, 8'000'000},
                                    std::pair{&cluster, 400'000}}) {
        SCOPED_TRACE(p->name());
        const auto max = static_cast<std::uint64_t>(budget);
        const Result a = solve(*p, {.max_evaluations = max}, 1, 11).result;
        const Result b = solve(*p, {.max_evaluations = max}, 2, 11).result;
        EXPECT_EQ(a.stop, StopReason::evaluations);
        EXPECT_GT(a.trace.back().evaluations, max / 4);  // improved during the generations
        EXPECT_EQ(a.allocation, b.allocation);
        EXPECT_EQ(a.evaluation.objective, b.evaluation.objective);
        EXPECT_EQ(a.evaluations, b.evaluations);
        ASSERT_EQ(a.trace.size(), b.trace.size());
        for (std::size_t k = 0; k < a.trace.size(); ++k) {
            EXPECT_EQ(a.trace[k].evaluations, b.trace[k].evaluations) << "improvement " << k;
            EXPECT_EQ(a.trace[k].best, b.trace[k].best) << "improvement " << k;
        }
    }
}

TEST_P(Population, KeepsTheEvaluationBudgetAsTheEvaluatorCountsIt) {
    for (const Problem& p : problems()) {
        // From inside the starts to well into the generations.
        for (const std::uint64_t budget : {1, 2, 17, 1000, 25'000, 250'000}) {
            SCOPED_TRACE(p.name() + " / " + std::to_string(budget));
            // The time limit only guards the test against a solver that ignores the budget.
            const Solved s = solve(p, {.max_evaluations = budget, .time_limit = 60}, 2);
            EXPECT_LE(s.result.evaluations, budget);
            EXPECT_EQ(s.result.evaluations, s.counted);
            // It stops at the budget, unless its restarts kept converging to one best first.
            if (s.result.stop == StopReason::finished)
                EXPECT_LT(s.result.evaluations, budget);
            else
                EXPECT_EQ(s.result.stop, StopReason::evaluations);
            expect_valid(p, s.result);
        }
    }
}

TEST_P(Population, EndsOnItsOwnWhenTheSearchSpaceIsExhausted) {
    const ProblemFile file = read_problem_file(ALLOCOPT_PROBLEMS "/seed-example.yaml");
    const Result r = solve(file.problem, {.time_limit = 60}).result;
    EXPECT_EQ(r.stop, StopReason::finished);
    EXPECT_LT(r.seconds, 30);
    expect_valid(file.problem, r);
    EXPECT_TRUE(r.evaluation.feasible());
}

// Every option, set away from its default, is written by a result file with its type and read
// back by --config (which takes a result file) to the same values, run settings included.
TEST_P(Population, OptionsRoundTripThroughAResultFileAndAConfig) {
    const SolverEntry& entry = find_solver(GetParam());
    OptionValues values(&entry.options);
    for (const OptionSpec& spec : entry.options) {
        switch (spec.type) {
            case OptionSpec::Type::boolean:
                values.set(spec.name, spec.default_value != 0 ? "false" : "true");
                break;
            case OptionSpec::Type::choice:
                values.set(spec.name, spec.choices.back());
                break;
            case OptionSpec::Type::integer:
                values.set(
                    spec.name,
                    spec.show(spec.default_value == spec.max ? spec.min : spec.default_value + 1));
                break;
            case OptionSpec::Type::real:
                values.set(spec.name, spec.show((spec.default_value + spec.max) / 2));
                break;
            case OptionSpec::Type::text:
                break;
        }
    }
    const auto solver = entry.make(values, 7);  // the values form a valid configuration
    ASSERT_NE(solver, nullptr);
    const ProblemFile file = read_problem_file(ALLOCOPT_PROBLEMS "/seed-example.yaml");
    Evaluator ev(file.problem);
    const RunSettings settings{
        .solver = GetParam(), .seed = 7, .threads = 2, .max_evaluations = 500, .target = 12.5};
    const Result r = solver->solve(ev, settings, nullptr);
    const SolverRun run{GetParam(), 7, values.settings(),
                        run_settings_table().values(settings).settings()};
    for (OutputFormat format : {OutputFormat::yaml, OutputFormat::json}) {
        const std::string text = result_text(file.problem, r, ev.report(r.allocation), run, format);
        const SolverConfig config = parse_solver_config(text, "result");
        const RunSettings back = config.run_settings();
        EXPECT_EQ(back.solver, GetParam());
        EXPECT_EQ(back.seed, 7u);
        EXPECT_EQ(back.threads, 2);
        EXPECT_EQ(back.max_evaluations, 500u);
        EXPECT_EQ(back.target, 12.5);
        OptionValues read(&entry.options);
        config.apply_options(read);
        ASSERT_EQ(read.settings().size(), values.settings().size());
        for (std::size_t k = 0; k < read.settings().size(); ++k) {
            EXPECT_EQ(read.settings()[k].name, values.settings()[k].name);
            EXPECT_EQ(read.settings()[k].number, values.settings()[k].number)
                << read.settings()[k].name;
        }
        // Written by type, not as text: numbers are numbers.
        EXPECT_EQ(text.find("\"population\": \""), std::string::npos);
    }
}

INSTANTIATE_TEST_SUITE_P(Registry, Population, ::testing::ValuesIn(population_solvers()),
                         [](const auto& instance) {  // not `info`: the macro's parameter
                             std::string name = instance.param;
                             for (char& c : name)
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             return name;
                         });

}  // namespace
}  // namespace allocopt
