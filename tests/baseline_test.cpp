#include "allocopt/baseline.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/solve.hpp"

namespace allocopt {
namespace {

using Verdict = Comparison::Verdict;

// Five jobs on two machines, all arriving together: FCFS places them in file order, each on
// the machine that finishes it first.
const char* const kSchedule =
    "name: sched\nresources:\n  - {id: fast, capacity: {units: 1}, speed: 2}\n"
    "  - {id: slow, capacity: {units: 1}}\n"
    "tasks:\n  - {id: a, workload: 4}\n  - {id: b, workload: 9}\n  - {id: c, workload: 3}\n"
    "  - {id: d, workload: 7}\n  - {id: e, workload: 1}\n";

// Four 6 GB tasks on three 10 GB resources: first fit leaves the fourth unplaced.
const char* const kPacking =
    "name: pack\nmode: packing\nobjective: {minimize: cost}\nresources:\n"
    "  - {id: r0, capacity: {units: 10, mem: 10}, cost_per_hour: 1}\n"
    "  - {id: r1, capacity: {units: 10, mem: 10}, cost_per_hour: 1}\n"
    "  - {id: r2, capacity: {units: 10, mem: 10}, cost_per_hour: 1}\n"
    "tasks:\n  - {id: t0, demand: {mem: 6}}\n  - {id: t1, demand: {mem: 6}}\n"
    "  - {id: t2, demand: {mem: 6}}\n  - {id: t3, demand: {mem: 6}}\n";

TEST(Baseline, RelativeChangeIsAgainstTheReferencesMagnitude) {
    EXPECT_DOUBLE_EQ(*relative_change(100, 80), -0.2);
    EXPECT_DOUBLE_EQ(*relative_change(100, 125), 0.25);
    // A negative reference (a maximised negative metric): the sign follows the values.
    EXPECT_DOUBLE_EQ(*relative_change(-100, -80), 0.2);
    EXPECT_DOUBLE_EQ(*relative_change(-100, -120), -0.2);
    // A zero reference: no ratio, except for no change at all.
    EXPECT_EQ(relative_change(0, 0), 0.0);
    EXPECT_FALSE(relative_change(0, 5).has_value());
    EXPECT_FALSE(relative_change(0, -5).has_value());
}

TEST(Baseline, ComparisonFollowsTheSense) {
    const Evaluation base{100, 0}, lower{80, 0};
    Comparison c = compare_with_baseline(base, lower, Sense::minimize);
    EXPECT_EQ(c.verdict, Verdict::better);
    EXPECT_DOUBLE_EQ(*c.change, -0.2);
    // Maximising, the same drop is worse; the change is the same number.
    c = compare_with_baseline(base, lower, Sense::maximize);
    EXPECT_EQ(c.verdict, Verdict::worse);
    EXPECT_DOUBLE_EQ(*c.change, -0.2);
    c = compare_with_baseline(base, Evaluation{130, 0}, Sense::maximize);
    EXPECT_EQ(c.verdict, Verdict::better);
    EXPECT_DOUBLE_EQ(*c.change, 0.3);
    c = compare_with_baseline(base, base, Sense::maximize);
    EXPECT_EQ(c.verdict, Verdict::same);
    EXPECT_EQ(c.change, 0.0);
}

TEST(Baseline, AZeroBaselineHasAVerdictButNoPercentage) {
    const Evaluation zero{0, 0}, five{5, 0};
    Comparison c = compare_with_baseline(zero, five, Sense::minimize);
    EXPECT_EQ(c.verdict, Verdict::worse);
    EXPECT_FALSE(c.change.has_value());
    c = compare_with_baseline(zero, five, Sense::maximize);
    EXPECT_EQ(c.verdict, Verdict::better);
    EXPECT_FALSE(c.change.has_value());
}

TEST(Baseline, FeasibilityComesBeforeTheValue) {
    const Evaluation infeasible{10, 2}, feasible{500, 0};
    Comparison c = compare_with_baseline(infeasible, feasible, Sense::minimize);
    EXPECT_EQ(c.verdict, Verdict::better);
    EXPECT_FALSE(c.change.has_value());  // a percentage of an infeasible value means nothing
    c = compare_with_baseline(feasible, infeasible, Sense::minimize);
    EXPECT_EQ(c.verdict, Verdict::worse);
    EXPECT_FALSE(c.change.has_value());
    c = compare_with_baseline(Evaluation{10, 3}, infeasible, Sense::maximize);
    EXPECT_EQ(c.verdict, Verdict::better);  // less violation
}

// The baseline is exactly what the named solver returns, by mode.
TEST(Baseline, IsTheModesHeuristicAsTheRegistryRunsIt) {
    for (const char* text : {kSchedule, kPacking}) {
        const ProblemFile file = parse_problem(text);
        Evaluator evaluator(file.problem);
        const Baseline b = run_baseline(evaluator);
        EXPECT_EQ(b.solver, file.problem.mode() == Mode::packing ? "first-fit" : "fcfs");
        EXPECT_TRUE(b.complete());
        EXPECT_EQ(b.result.evaluations, 1u);
        // The independent path: the registry's solver of that name.
        const Result direct = solve(file.problem, b.solver, {}, {.max_evaluations = 1});
        EXPECT_EQ(b.result.allocation, direct.allocation);
        EXPECT_EQ(b.result.evaluation.objective, direct.evaluation.objective);
        EXPECT_EQ(b.result.evaluation.violation, direct.evaluation.violation);
    }
    // First fit leaves t3 unplaced: an infeasible baseline.
    const ProblemFile packing = parse_problem(kPacking);
    Evaluator evaluator(packing.problem);
    EXPECT_FALSE(run_baseline(evaluator).result.evaluation.feasible());
}

TEST(Baseline, AnInterruptCutsItShort) {
    const ProblemFile file = parse_problem(kSchedule);
    Evaluator evaluator(file.problem);
    const std::atomic<bool> interrupted{true};
    const Baseline b = run_baseline(evaluator, &interrupted);
    EXPECT_FALSE(b.complete());
    EXPECT_EQ(b.result.stop, StopReason::interrupted);
}

}  // namespace
}  // namespace allocopt
