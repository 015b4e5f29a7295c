#include "allocopt/io/result_reader.hpp"

#include <gtest/gtest.h>

#include <string>

#include "allocopt/baseline.hpp"
#include "allocopt/error.hpp"
#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/io/result_io.hpp"
#include "allocopt/solve.hpp"

namespace allocopt {
namespace {

const char* const kProblem =
    "name: two-nodes\nresources:\n  - {id: fast, capacity: {units: 2}, speed: 2}\n"
    "  - {id: slow, capacity: {units: 1}}\n"
    "tasks:\n  - {id: a, workload: 4}\n  - {id: b, workload: 9, arrival: 1}\n"
    "  - {id: c, workload: 3}\n  - {id: d, workload: 7, units: [1, 2]}\n"
    "  - {id: e, workload: 1}\n";

InputError error_of(const std::string& text) {
    try {
        parse_result_summary(text, "r.yaml");
    } catch (const InputError& e) {
        return e;
    }
    ADD_FAILURE() << "no error for:\n" << text;
    return InputError("", "", "");
}

/// A result file written by `solve` with a trace of several points, then with one line
/// replaced: the first line starting with `from` (after its indentation) becomes `to`.
std::string edited(const std::string& text, const std::string& from, const std::string& to) {
    const std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    std::string out = text;
    out.replace(at, out.find('\n', at) - at, to);
    return out;
}

// What solve -o writes reads back field by field, in both formats, with the baseline.
TEST(ResultReader, ReadsBackWhatResultTextWrites) {
    const ProblemFile file = parse_problem(kProblem);
    const Problem& p = file.problem;
    const RunSettings settings{.seed = 18446744073709551615ULL, .max_evaluations = 3000};
    const Result r = solve(p, "ga", {{"population", "8"}}, settings);
    ASSERT_GE(r.trace.size(), 1u);
    Evaluator evaluator(p);
    const Baseline b = run_baseline(evaluator);
    const SolverRun run{"ga", settings.seed, {}, run_settings_table().values(settings).settings()};
    for (OutputFormat format : {OutputFormat::yaml, OutputFormat::json}) {
        SCOPED_TRACE(format == OutputFormat::yaml ? "yaml" : "json");
        const std::string text = result_text(p, r, evaluator.report(r.allocation), run, format, &b);
        const ResultSummary s = parse_result_summary(text, "r");
        EXPECT_EQ(s.problem, "two-nodes");
        ASSERT_TRUE(s.size.has_value());
        EXPECT_EQ(s.size->tasks, 5u);
        EXPECT_EQ(s.size->resources, 2u);
        EXPECT_EQ(s.size->mode, Mode::schedule);
        EXPECT_EQ(s.objective.describe(), p.objective().describe());
        EXPECT_DOUBLE_EQ(s.value, r.evaluation.objective);
        EXPECT_EQ(s.feasible, r.evaluation.feasible());
        EXPECT_EQ(s.solver, "ga");
        EXPECT_EQ(s.seed, settings.seed);  // exactly: 2^64 - 1 is no double
        EXPECT_EQ(s.evaluations, r.evaluations);
        EXPECT_NEAR(s.seconds, r.seconds, 1e-9);
        EXPECT_EQ(s.stop, r.stop);
        EXPECT_EQ(s.lower_bound.has_value(), r.lower_bound.has_value());
        if (r.lower_bound) {
            EXPECT_DOUBLE_EQ(*s.lower_bound, *r.lower_bound);
        }
        ASSERT_TRUE(s.baseline.has_value());
        EXPECT_EQ(s.baseline->solver, "fcfs");
        EXPECT_DOUBLE_EQ(s.baseline->value, b.result.evaluation.objective);
        EXPECT_EQ(s.baseline->feasible, b.result.evaluation.feasible());
        ASSERT_EQ(s.trace.size(), r.trace.size());
        for (std::size_t k = 0; k < r.trace.size(); ++k) {
            EXPECT_EQ(s.trace[k].evaluations, r.trace[k].evaluations);
            EXPECT_NEAR(s.trace[k].seconds, r.trace[k].seconds, 1e-9);
            EXPECT_DOUBLE_EQ(s.trace[k].best, r.trace[k].best);
            EXPECT_EQ(s.trace[k].feasible, r.trace[k].feasible);
        }
    }
}

// A weighted objective, a lower bound, and a file written before `size:` and `baseline:`.
TEST(ResultReader, ReadsTermsAndFilesOfEarlierVersions) {
    const ResultSummary s = parse_result_summary(
        "problem: old\n"
        "solver: {name: pso, seed: 3, threads: 2, options: {particles: 9}, evaluations: 120,\n"
        "         seconds: 0.5, stop: time limit, lower_bound: 80.5}\n"
        "objective: {sense: maximize, terms: {utilization: 1, cost: -0.2}, value: 90,\n"
        "            feasible: false, violation: 2}\n"
        "metrics: {makespan: 3}\n"
        "assignment: []\n"
        "trace: [{evaluations: 1, seconds: 0.001, best: 12.5, feasible: false},\n"
        "        {evaluations: 40, seconds: 0.2, best: 90, feasible: true}]\n",
        "old.yaml");
    EXPECT_FALSE(s.size.has_value());
    EXPECT_FALSE(s.baseline.has_value());
    EXPECT_EQ(s.objective.describe(), "maximize 1*utilization + -0.2*cost");
    EXPECT_EQ(s.stop, StopReason::time);
    EXPECT_EQ(s.lower_bound, 80.5);
    EXPECT_FALSE(s.feasible);
    EXPECT_EQ(s.violation, 2);
    ASSERT_EQ(s.trace.size(), 2u);
    EXPECT_EQ(s.trace[1].evaluations, 40u);
    EXPECT_EQ(s.trace[0].best, 12.5);
    EXPECT_FALSE(s.trace[0].feasible);
}

const std::string kResult =
    "problem: p\n"
    "solver:\n  name: ga\n  seed: 1\n  evaluations: 100\n  seconds: 0.5\n  stop: finished\n"
    "objective: {sense: minimize, metric: makespan, value: 7, feasible: true}\n"
    "trace:\n"
    "  - {evaluations: 1, seconds: 0.01, best: 9, feasible: true}\n"
    "  - {evaluations: 50, seconds: 0.2, best: 7, feasible: true}\n";

TEST(ResultReader, AMissingTraceFieldIsNamedAtItsLine) {
    const InputError e = error_of(edited(kResult, "  - {evaluations: 50",
                                         "  - {evaluations: 50, seconds: 0.2, feasible: true}"));
    EXPECT_EQ(e.key(), "trace[1].best");
    EXPECT_EQ(e.position().file, "r.yaml");
    EXPECT_EQ(e.position().line, 11);
    EXPECT_NE(e.message().find("missing 'best'"), std::string::npos) << e.what();
    // An empty value is placed at its key.
    const InputError empty = error_of(edited(kResult, "  seconds: 0.5", "  seconds:"));
    EXPECT_EQ(empty.key(), "solver.seconds");
    EXPECT_EQ(empty.position().line, 6);
    EXPECT_EQ(error_of(edited(kResult, "trace:", "tracks:")).key(), "trace");
}

TEST(ResultReader, AWrongTypeIsNamedWithItsValue) {
    InputError e = error_of(edited(kResult, "  - {evaluations: 1,",
                                   "  - {evaluations: 1, seconds: 0.01, best: low, feasible: 1}"));
    EXPECT_EQ(e.key(), "trace[0].best");
    EXPECT_EQ(e.value(), "low");
    EXPECT_EQ(e.position().line, 10);
    e = error_of(edited(kResult, "  - {evaluations: 1,",
                        "  - {evaluations: 1, seconds: 0.01, best: 9, feasible: yes}"));
    EXPECT_EQ(e.key(), "trace[0].feasible");
    EXPECT_EQ(e.value(), "yes");
    e = error_of(edited(kResult, "  seed: 1", "  seed: -1"));
    EXPECT_EQ(e.key(), "solver.seed");
    EXPECT_EQ(e.value(), "-1");
    EXPECT_EQ(e.position().line, 4);
    e = error_of(edited(kResult, "  stop: finished", "  stop: bored"));
    EXPECT_EQ(e.key(), "solver.stop");
    EXPECT_EQ(e.value(), "bored");
    e = error_of(edited(kResult, "trace:", "trace: 3\nx:"));
    EXPECT_EQ(e.key(), "trace");
    e = error_of(edited(kResult, "objective:",
                        "objective: {sense: minimize, metric: speed, value: 7, feasible: true}"));
    EXPECT_EQ(e.key(), "objective.metric");
    EXPECT_EQ(e.value(), "speed");
}

TEST(ResultReader, OtherFilesAreNotResultFiles) {
    InputError e =
        error_of("name: p\nresources: [{id: r, capacity: {units: 1}}]\ntasks: [{id: t}]\n");
    EXPECT_EQ(e.position().file, "r.yaml");
    EXPECT_EQ(
        std::string(e.what()).rfind("r.yaml: error: not a result file (no `solver:` block", 0), 0u)
        << e.what();
    EXPECT_NE(e.message().find("a problem file?"), std::string::npos) << e.what();
    // A run configuration names its solver; an evaluate report has none.
    e = error_of("solver: ga\nseed: 3\n");
    EXPECT_NE(e.message().find("not a result file"), std::string::npos) << e.what();
    e = error_of("problem: p\nobjective: {sense: minimize, value: 3}\nassignment: []\n");
    EXPECT_NE(e.message().find("'allocopt evaluate' report"), std::string::npos) << e.what();
    e = error_of("");
    EXPECT_NE(e.message().find("expected a result file"), std::string::npos) << e.what();
    e = error_of("[1, 2]\n");
    EXPECT_NE(e.message().find("expected a result file"), std::string::npos) << e.what();
    EXPECT_THROW(read_result_summary("/no/such/result.yaml"), InputError);
}

}  // namespace
}  // namespace allocopt
