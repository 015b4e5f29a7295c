// The property every solver must keep, on every problem family: its result is a valid
// decision (each placed task on an allowed resource, with a unit count its task admits and
// the resource can hold), the value it reports is the value an independent evaluation gives,
// and a result it calls feasible passes check_allocation(), the path `allocopt evaluate`
// uses. Instances are generated, many per family; the solver list comes from the registry,
// so a new solver is covered without touching this file.

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "allocopt/error.hpp"
#include "allocopt/generators.hpp"
#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/rng.hpp"
#include "allocopt/solvers/registry.hpp"
#include "sharing/random_cluster.hpp"

namespace allocopt {
namespace {

// ---------------------------------------------------------------------------------------------
// Families

/// A schedule-mode GPU/CPU problem that uses every feature of the model: unit counts fixed,
/// ranges and lists; linear, Amdahl and table scaling; demands; allowed lists by id and by
/// kind; optional tasks; deadlines (soft or hard); arrivals; the three policies and several
/// objectives.
Problem schedule_problem(std::uint64_t seed) {
    Rng rng(seed, 17);
    auto pick = [&](std::uint64_t n) { return static_cast<int>(rng.below(n)); };
    ProblemData d;
    d.name = "schedule-" + std::to_string(seed);
    d.mode = Mode::schedule;
    d.policy = static_cast<Policy>(pick(3));
    const int m = 2 + pick(4), n = 4 + pick(12);
    const int sizes[] = {1, 2, 4, 8};
    for (int j = 0; j < m; ++j) {
        Resource r;
        const bool gpu = j % 2 == 0 || pick(2) == 0;
        r.id = (gpu ? "gpu-" : "cpu-") + std::to_string(j);
        r.kind = gpu ? "gpu" : "cpu";
        r.capacity = {{"units", sizes[pick(4)]}, {"memory_gb", 64.0 * (1 + pick(4))}};
        r.speed = 0.5 + rng.uniform() * 2;
        r.cost_per_hour = rng.uniform() * 3;
        d.resources.push_back(r);
    }
    for (int i = 0; i < n; ++i) {
        Task t;
        t.id = "task-" + std::to_string(i);
        t.kind = pick(3) == 0 ? TaskKind::data : TaskKind::compute;
        t.workload = 1 + rng.uniform() * 100;
        t.frequency = 1 + pick(5);
        t.priority = pick(6);
        if (pick(3) == 0) t.arrival = rng.uniform() * 50;
        if (pick(3) == 0) t.deadline = t.arrival + 20 + rng.uniform() * 200;
        switch (pick(3)) {
            case 0:
                t.units = UnitChoice::exactly(1 + pick(2));
                break;
            case 1:
                t.units = UnitChoice::range(1, 1 + pick(8));
                break;
            default: {
                std::vector<int> values;
                for (int u : sizes)
                    if (u == 1 || pick(2)) values.push_back(u);
                t.units = UnitChoice::list(values);
            }
        }
        switch (pick(3)) {
            case 0:
                break;  // linear
            case 1:
                t.scaling.type = Scaling::Type::amdahl;
                t.scaling.parallel_fraction = 0.5 + rng.uniform() * 0.5;
                break;
            default: {
                t.scaling.type = Scaling::Type::table;
                double s = 1;
                for (int k = 0; k < t.units.count(); ++k) {
                    t.scaling.table.emplace_back(t.units.nth(k), s);
                    s += 0.3 + rng.uniform();
                }
            }
        }
        if (pick(2)) t.demand["memory_gb"] = 8.0 * (1 + pick(8));
        switch (pick(4)) {
            case 0:
                t.allowed = {"gpu"};
                break;
            case 1:
                t.allowed = {d.resources[static_cast<std::size_t>(pick(m))].id, "cpu"};
                break;
            default:
                break;  // any resource
        }
        t.optional = pick(6) == 0;
        d.tasks.push_back(t);
    }
    d.hard_deadlines = pick(4) == 0;
    switch (pick(5)) {
        case 0:
            d.objective.terms = {{Metric::makespan, 1.0}};
            break;
        case 1:
            d.objective.terms = {{Metric::weighted_completion, 1.0}, {Metric::cost, 0.5}};
            break;
        case 2:
            d.objective.terms = {{Metric::flowtime, 1.0}};
            break;
        case 3:
            d.objective.terms = {{Metric::makespan, 1.0}, {Metric::deadline_misses, 100.0}};
            break;
        default:
            d.objective.sense = Sense::maximize;
            d.objective.terms = {{Metric::work_per_utilization, 1.0}};
    }
    return Problem(std::move(d));
}

/// A cloud-balancing-like packing problem: computers with cpu, memory and network capacity
/// and a fixed cost, processes with demands, minimise cost.
Problem cloud_problem(std::uint64_t seed) {
    Rng rng(seed, 29);
    auto pick = [&](std::uint64_t n) { return static_cast<int>(rng.below(n)); };
    ProblemData d;
    d.name = "cloud-" + std::to_string(seed);
    d.mode = Mode::packing;
    const int m = 2 + pick(5), n = 3 * m + pick(6);
    for (int j = 0; j < m; ++j) {
        Resource r;
        r.id = "computer-" + std::to_string(j);
        r.kind = "computer";
        r.capacity = {{"units", n},
                      {"cpu", 6.0 + pick(18)},
                      {"memory", 4.0 + pick(28)},
                      {"network", 2.0 + pick(10)}};
        r.fixed_cost = 100 + pick(900);
        d.resources.push_back(r);
    }
    for (int i = 0; i < n; ++i) {
        Task t;
        t.id = "process-" + std::to_string(i);
        t.demand = {{"cpu", 1.0 + pick(4)}, {"memory", 1.0 + pick(4)}, {"network", 1.0 + pick(2)}};
        d.tasks.push_back(t);
    }
    d.objective.terms = {{Metric::cost, 1.0}};
    return Problem(std::move(d));
}

/// A packing problem in which tasks choose unit counts (ranges and lists), with optional
/// tasks, allowed lists and an objective that rewards placing them.
Problem packing_units_problem(std::uint64_t seed) {
    Rng rng(seed, 31);
    auto pick = [&](std::uint64_t n) { return static_cast<int>(rng.below(n)); };
    ProblemData d;
    d.name = "packing-units-" + std::to_string(seed);
    d.mode = Mode::packing;
    const int m = 2 + pick(3), n = 5 + pick(10);
    for (int j = 0; j < m; ++j) {
        Resource r;
        r.id = "node-" + std::to_string(j);
        r.kind = j % 2 ? "cpu" : "gpu";
        r.capacity = {{"units", 4.0 + pick(12)}, {"memory_gb", 64.0 + pick(200)}};
        r.cost_per_hour = rng.uniform() * 2;
        d.resources.push_back(r);
    }
    for (int i = 0; i < n; ++i) {
        Task t;
        t.id = "job-" + std::to_string(i);
        t.workload = 1 + rng.uniform() * 10;
        t.units = pick(2) ? UnitChoice::range(1 + pick(2), 3 + pick(3)) : UnitChoice::list({2, 4});
        t.demand["memory_gb"] = 4.0 * (1 + pick(10));
        if (pick(3) == 0) t.allowed = {pick(2) ? "gpu" : "cpu"};
        t.optional = pick(3) == 0;
        d.tasks.push_back(t);
    }
    d.objective.terms = {{Metric::cost, 1.0}, {Metric::unplaced, 50.0}};
    return Problem(std::move(d));
}

struct Family {
    std::string name;
    std::function<Problem(std::uint64_t)> make;
};

std::vector<Family> families() {
    using namespace generators;
    return {
        {"etc",
         [](std::uint64_t s) {
             return generate_etc({.tasks = 12 + static_cast<int>(s % 20),
                                  .machines = 2 + static_cast<int>(s % 5),
                                  .consistency = static_cast<Consistency>(s % 3),
                                  .seed = s});
         }},
        {"gap",
         [](std::uint64_t s) {
             return generate_gap({.type = static_cast<GapType>(s % 3),
                                  .agents = 2 + static_cast<int>(s % 4),
                                  .jobs = 15 + static_cast<int>(s % 10),
                                  .seed = s});
         }},
        {"cloud", cloud_problem},
        {"packing-units", packing_units_problem},
        {"schedule", schedule_problem},
        {"gpu-sharing",
         [](std::uint64_t s) {
             return test::random_sharing_problem(s, 3 + static_cast<int>(s % 4),
                                                 12 + static_cast<int>(s % 20));
         }},
        {"cluster",
         [](std::uint64_t s) {
             return generate_cluster({.jobs = 10 + static_cast<int>(s % 15),
                                      .nodes = 3 + static_cast<int>(s % 3),
                                      .arrival_rate = s % 2 ? 2.0 : 0.0,
                                      .seed = s});
         }},
    };
}

// ---------------------------------------------------------------------------------------------
// The property

/// Every placed task of `a` is on an allowed resource with a unit count its task admits and
/// within the resource's units. Returns the first fault as text, or "".
std::string structural_fault(const Problem& p, const Allocation& a) {
    if (a.resource.size() != p.num_tasks() || a.units.size() != p.num_tasks())
        return "allocation of the wrong size";
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        const std::int32_t r = a.resource[i];
        if (r == Allocation::kUnplaced) continue;
        if (r < 0 || static_cast<std::size_t>(r) >= p.num_resources())
            return "task " + p.task(i).id + ": resource index " + std::to_string(r);
        const auto j = static_cast<std::size_t>(r);
        if (!p.allowed(i, j)) return "task " + p.task(i).id + " not allowed on " + p.resource(j).id;
        if (!p.task(i).units.allows(a.units[i]))
            return "task " + p.task(i).id + ": unit count " + std::to_string(a.units[i]) +
                   " not admissible";
        if (a.units[i] > p.capacity(j, 0))
            return "task " + p.task(i).id + ": " + std::to_string(a.units[i]) +
                   " units on a resource of " + std::to_string(p.capacity(j, 0));
    }
    return "";
}

void check_result(const Problem& p, const Result& r, const std::string& where) {
    SCOPED_TRACE(where);
    ASSERT_EQ(structural_fault(p, r.allocation), "");
    // The value the solver reports is the value a fresh Evaluator's full report gives.
    const Evaluator fresh(p, {.threads = 1});
    const Report report = fresh.report(r.allocation);
    const double tolerance = 1e-9 * std::max(1.0, std::abs(report.evaluation.objective));
    EXPECT_NEAR(r.evaluation.objective, report.evaluation.objective, tolerance);
    EXPECT_EQ(r.evaluation.feasible(), report.evaluation.feasible())
        << "violation reported " << r.evaluation.violation << ", re-scored "
        << report.evaluation.violation;
    if (r.lower_bound) {
        EXPECT_TRUE(std::isfinite(*r.lower_bound));
        if (report.evaluation.feasible() && p.objective().sense == Sense::minimize) {
            EXPECT_LE(*r.lower_bound, report.evaluation.objective * (1 + 1e-9) + 1e-9);
        }
    }
    // A result called feasible passes the independent check `allocopt evaluate` runs.
    if (r.evaluation.feasible()) {
        EXPECT_NO_THROW(check_allocation(p, r.allocation, true));
    }
    // The placements are the allocation by ids, with the report's schedule.
    ASSERT_EQ(r.placements.size(), p.num_tasks());
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        const Placement& placed = r.placements[i];
        EXPECT_EQ(placed.task, p.task(i).id);
        if (!r.allocation.placed(i)) {
            EXPECT_FALSE(placed.resource.has_value()) << placed.task;
            continue;
        }
        const auto j = static_cast<std::size_t>(r.allocation.resource[i]);
        EXPECT_EQ(placed.resource, p.resource(j).id);
        EXPECT_EQ(placed.units, r.allocation.units[i]);
        EXPECT_EQ(placed.start, report.start[i]) << placed.task;
        EXPECT_EQ(placed.end, report.end[i]) << placed.task;
    }
}

class EverySolver : public ::testing::TestWithParam<std::string> {};

TEST_P(EverySolver, GivesValidCorrectlyScoredResultsOnEveryFamily) {
    const SolverEntry& entry = find_solver(GetParam());
    const OptionValues options(&entry.options);
    constexpr std::uint64_t kSeeds = 8;
    int solved = 0;
    for (const Family& family : families()) {
        for (std::uint64_t s = 1; s <= kSeeds; ++s) {
            std::optional<Problem> p;
            try {
                p.emplace(family.make(s));
            } catch (const InputError&) {
                continue;  // a draw in which some task fits nowhere: not a problem
            }
            if (entry.applies && !entry.applies(*p)) continue;  // a solver for one form only
            ++solved;
            // A budget that reaches past the starts into the search on these sizes, and a
            // time limit as a guard. pagmo's solvers have no starts and spend most of their
            // time in pagmo's operators (1-3 s per 20,000 on the larger families): 2,000 runs
            // a few dozen of their generations, and kept them from adding ~100 s to the suite.
            Evaluator ev(*p, {.threads = 2});
            const bool pagmo = entry.name.starts_with("pagmo-");
            const RunSettings termination{.max_evaluations = pagmo ? 2'000u : 20'000u,
                                          .time_limit = 2.0};
            const Result r = entry.make(options, s)->solve(ev, termination, nullptr);
            check_result(*p, r, family.name + " seed " + std::to_string(s));
            if (HasFatalFailure()) return;
        }
    }
    EXPECT_GE(solved, static_cast<int>(kSeeds));  // at least one family's worth
}

// A bound must be a valid, finite bound or absent. Four jobs of load 6 on two agents of
// capacity 10: nothing feasible exists, and the capacities' relaxation has an unbounded dual
// (it once printed "lower bound 2.7e+125" for an objective of 0).
TEST_P(EverySolver, ReportsNoLowerBoundWhenNothingFeasibleIsFound) {
    const Problem p = parse_problem(R"(
mode: packing
resources:
  - {id: a0, capacity: {units: 10, load: 10}}
  - {id: a1, capacity: {units: 10, load: 10}}
tasks:
  - {id: j0, demand: {load: 6}}
  - {id: j1, demand: {load: 6}}
  - {id: j2, demand: {load: 6}}
  - {id: j3, demand: {load: 6}}
cost: [[1, 2], [2, 1], [3, 1], [1, 3]]
objective: {minimize: cost}
)")
                          .problem;
    const SolverEntry& entry = find_solver(GetParam());
    if (entry.applies && !entry.applies(p)) GTEST_SKIP() << "the solver does not take this form";
    Evaluator ev(p, {.threads = 1});
    const Result r = entry.make(OptionValues(&entry.options), 1)
                         ->solve(ev, {.max_evaluations = 200'000}, nullptr);
    EXPECT_FALSE(r.evaluation.feasible());
    EXPECT_FALSE(r.lower_bound.has_value()) << *r.lower_bound;
}

std::vector<std::string> solver_names() {
    std::vector<std::string> names;
    for (const SolverEntry& e : solver_registry())
        names.emplace_back(e.name);
    return names;
}

INSTANTIATE_TEST_SUITE_P(Registry, EverySolver, ::testing::ValuesIn(solver_names()),
                         [](const auto& instance) {  // not `info`: the macro's parameter
                             std::string name = instance.param;
                             for (char& c : name)
                                 if (c == '-') c = '_';
                             return name;
                         });

// The check itself must be able to fail: it rejects what the swap bug produced.
TEST(SolverProperty, StructuralCheckRejectsAnInadmissibleUnitCount) {
    const Problem p = generators::generate_cluster({.jobs = 20, .nodes = 4, .seed = 3});
    Allocation a(p.num_tasks());
    std::size_t listed = p.num_tasks();
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        for (std::size_t j = 0; j < p.num_resources(); ++j) {
            if (!p.can_host(i, j)) continue;
            a.place(i, static_cast<std::int32_t>(j), p.task(i).units.min);
            break;
        }
        if (listed == p.num_tasks() && p.task(i).units.count() == 1 &&
            p.capacity(static_cast<std::size_t>(a.resource[i]), 0) >= p.task(i).units.min + 1)
            listed = i;
    }
    ASSERT_EQ(structural_fault(p, a), "");
    ASSERT_LT(listed, p.num_tasks()) << "no task with a single admissible count";
    a.units[listed] += 1;
    EXPECT_NE(structural_fault(p, a), "");
    // And the Evaluator counts it as a violation.
    Evaluator ev(p, {.threads = 1});
    EXPECT_FALSE(ev.evaluate(a).feasible());
    EXPECT_THROW(check_allocation(p, a), InputError);
}

}  // namespace
}  // namespace allocopt
