#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/evaluator.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>

#include "allocopt/error.hpp"

namespace allocopt {
namespace {

const std::string kBad = ALLOCOPT_TEST_DATA "/bad/";
const std::string kGood = ALLOCOPT_TEST_DATA "/good/";

std::optional<InputError> error_reading(const std::string& path) {
    try {
        read_problem_file(path);
    } catch (const InputError& e) {
        return e;
    }
    return std::nullopt;
}

std::optional<InputError> error_parsing(std::string_view text) {
    try {
        parse_problem(text, "inline.yaml");
    } catch (const InputError& e) {
        return e;
    }
    return std::nullopt;
}

/// What a bad file must produce: the exact position, key and value, and a distinctive part of
/// the message. The full text must read `PATH:LINE:COL: error: 'KEY': MESSAGE (value: VALUE)`.
struct Expected {
    int line;
    int column;
    std::string key;
    std::string message_part;
    std::string value;
};

void expect_error(const std::string& name, const Expected& want) {
    SCOPED_TRACE(name);
    const std::string path = kBad + name;
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    const auto e = error_reading(path);
    ASSERT_TRUE(e) << "no error for " << path;
    EXPECT_EQ(e->position().file, path);
    EXPECT_EQ(e->position().line, want.line) << e->what();
    EXPECT_EQ(e->position().column, want.column) << e->what();
    EXPECT_EQ(e->key(), want.key) << e->what();
    EXPECT_EQ(e->value(), want.value) << e->what();
    EXPECT_NE(e->message().find(want.message_part), std::string::npos) << e->what();
    std::string prefix =
        path + ":" + std::to_string(want.line) + ":" + std::to_string(want.column) + ": error: ";
    if (!want.key.empty()) prefix += "'" + want.key + "': ";
    EXPECT_EQ(std::string(e->what()).rfind(prefix, 0), 0u) << e->what();
    if (!want.value.empty()) {
        const std::string tail = " (value: " + want.value + ")";
        const std::string what = e->what();
        EXPECT_TRUE(what.size() >= tail.size() &&
                    what.compare(what.size() - tail.size(), tail.size(), tail) == 0)
            << what;
    }
}

// ---- Every bad file fails with a position; every good file parses. ----

TEST(BadProblemFiles, EveryOneFailsWithALineAndColumn) {
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(kBad)) {
        ++files;
        SCOPED_TRACE(entry.path().string());
        const auto e = error_reading(entry.path().string());
        ASSERT_TRUE(e) << "no error";
        EXPECT_GT(e->position().line, 0) << e->what();
        EXPECT_GT(e->position().column, 0) << e->what();
        EXPECT_EQ(std::string(e->what()).rfind(entry.path().string() + ":", 0), 0u);
    }
    EXPECT_GE(files, 60);
}

TEST(GoodProblemFiles, EveryOneParses) {
    for (const auto& entry : std::filesystem::directory_iterator(kGood)) {
        SCOPED_TRACE(entry.path().string());
        EXPECT_NO_THROW(read_problem_file(entry.path().string()));
    }
}

// ---- The file as bytes ----

TEST(BadProblemFiles, MalformedYamlNamesTheUnclosedBracket) {
    expect_error("syntax.yaml", {4, 1, "",
                                 "invalid YAML: did not find expected ',' or '}' (the '{' at line "
                                 "3, column 5",
                                 ""});
}

// yaml-cpp's LoadAll looped forever, allocating, on this file (its issue #1040).
TEST(BadProblemFiles, StrayCommaIsFoundNotAnEndlessLoop) {
    expect_error("stray-comma.yaml", {1, 1, "", "unexpected ','", ","});
}

TEST(BadProblemFiles, EmptyFile) {
    expect_error("empty.yaml", {1, 1, "", "the file is empty", ""});
}

TEST(BadProblemFiles, OnlyComments) {
    expect_error("comments-only.yaml", {1, 1, "", "the file holds only comments", ""});
}

TEST(BadProblemFiles, NulByte) {
    expect_error("nul-bytes.yaml", {3, 11, "", "binary, not text (NUL byte)", "0x00"});
}

TEST(BadProblemFiles, InvalidUtf8) {
    expect_error("invalid-utf8.yaml", {1, 10, "", "not valid UTF-8", "0xe9"});
}

TEST(BadProblemFiles, ControlCharacter) {
    expect_error("control-character.yaml", {1, 11, "", "control character", "0x07"});
}

TEST(BadProblemFiles, TabIndentation) {
    expect_error("tab-indent.yaml", {2, 1, "", "does not allow tabs for indentation", ""});
}

TEST(BadProblemFiles, DeeplyNestedListsAreRefusedNotACrash) {
    expect_error("deep-nesting.yaml", {4, 2017, "", "nested too deeply", ""});
}

TEST(BadProblemFiles, SecondDocument) {
    expect_error("multiple-documents.yaml",
                 {5, 1, "", "a second YAML document starts here", "---"});
}

TEST(BadProblemFiles, TopLevelScalar) {
    expect_error("top-level-scalar.yaml",
                 {1, 1, "", "expected a problem: a mapping", "just a sentence, not a problem"});
}

TEST(BadProblemFiles, TopLevelList) {
    expect_error("top-level-list.yaml", {1, 1, "", "expected a problem: a mapping", "a list"});
}

// ---- Anchors, aliases, keys ----

TEST(BadProblemFiles, UndefinedAlias) {
    expect_error("undefined-alias.yaml", {2, 25, "", "the referenced anchor is not defined", ""});
}

TEST(BadProblemFiles, MergeKeyIsNotSupported) {
    expect_error("merge-key.yaml",
                 {3, 6, "resources[1].<<", "merge keys ('<<') are not supported", "<<"});
}

TEST(BadProblemFiles, AliasOfItselfDoesNotLoop) {
    expect_error("recursive-alias.yaml",
                 {4, 20, "tasks[0].units[1]", "expected a number, got a list", "a list"});
}

TEST(BadProblemFiles, NonScalarKey) {
    expect_error("non-scalar-key.yaml",
                 {4, 13, "tasks[0]", "a key must be a plain name", "a list"});
}

TEST(BadProblemFiles, UnknownKeyNearMiss) {
    expect_error("unknown-key-near-miss.yaml",
                 {5, 5, "tasks[0].worklaod", "unknown key (did you mean 'workload'?)", "worklaod"});
}

TEST(BadProblemFiles, UnknownTopLevelKey) {
    expect_error("unknown-top-level-key.yaml",
                 {5, 1, "solver", "unknown key; expected one of: name, description", "solver"});
}

TEST(BadProblemFiles, UnknownAllocationKey) {
    expect_error("allocation-unknown-key.yaml",
                 {6, 30, "allocation[0].unit", "did you mean 'units'?", "unit"});
}

TEST(BadProblemFiles, DuplicateKeyInOneMapping) {
    expect_error("duplicate-yaml-key.yaml",
                 {7, 5, "tasks[0].workload", "duplicate key", "workload"});
}

TEST(BadProblemFiles, DuplicateDemandMatrix) {
    expect_error("duplicate-demand-matrix.yaml", {7, 3, "demand.load", "duplicate key", "load"});
}

// ---- Types ----

TEST(BadProblemFiles, StringForNumber) {
    expect_error("string-for-number.yaml",
                 {4, 23, "tasks[0].workload", "expected a number", "abc"});
}

TEST(BadProblemFiles, QuotedNumber) {
    expect_error("quoted-number.yaml",
                 {5, 15, "tasks[0].workload", "got a quoted string", "\"100\""});
}

TEST(BadProblemFiles, NumberTaggedAsString) {
    expect_error("tagged-string-number.yaml",
                 {4, 24, "tasks[0].frequency", "got a value tagged !!str", "!!str 10"});
}

TEST(BadProblemFiles, NullValueIsPlacedAtItsKey) {
    expect_error("null-value.yaml", {5, 5, "tasks[0].workload", "a number is required", "nothing"});
}

TEST(BadProblemFiles, NullSection) {
    expect_error("null-section.yaml", {1, 1, "resources", "expected a list", "nothing"});
}

TEST(BadProblemFiles, ScalarForList) {
    expect_error("scalar-for-list.yaml",
                 {4, 22, "tasks[0].allowed",
                  "expected a list, got a single value (write it as [gpu])", "gpu"});
}

TEST(BadProblemFiles, ScalarForCapacity) {
    expect_error("capacity-scalar.yaml", {2, 25, "resources[0].capacity", "e.g. {units: 8}", "8"});
}

TEST(BadProblemFiles, BooleanOtherThanTrueOrFalse) {
    expect_error("bad-boolean.yaml", {4, 23, "tasks[0].optional", "expected true or false", "yes"});
}

TEST(BadProblemFiles, NumberOutOfRange) {
    expect_error("number-out-of-range.yaml",
                 {4, 23, "tasks[0].workload", "number out of range", "1e999"});
}

TEST(BadProblemFiles, UnitCountNotWhole) {
    expect_error("units-not-whole.yaml",
                 {4, 24, "tasks[0].units[1]", "expected a whole number", "2.5"});
}

// ---- Non-finite numbers, wherever they are ----

TEST(BadProblemFiles, NanCapacity) {
    expect_error("nan-capacity.yaml",
                 {2, 33, "resources[0].capacity.units", "must be a finite number", ".nan"});
}

TEST(BadProblemFiles, InfWorkload) {
    expect_error("inf-workload.yaml",
                 {4, 23, "tasks[0].workload", "must be a finite number", ".inf"});
}

// Finite numbers whose totals would overflow: Problem's check, placed in the file.
TEST(BadProblemFiles, TotalsTooLarge) {
    expect_error("time-total-overflow.yaml",
                 {10, 5, "time[1][0]", "sum of task durations", "1e+308"});
    expect_error("priority-total-overflow.yaml",
                 {5, 37, "tasks[1].priority", "priority x completion time", "1e+300"});
}

TEST(BadProblemFiles, NanMatrixCell) {
    expect_error("nan-matrix-cell.yaml", {9, 9, "time[1][1]", "must be a finite number", ".NaN"});
}

TEST(BadProblemFiles, InfAmdahlFraction) {
    expect_error("inf-amdahl.yaml",
                 {4, 31, "tasks[0].scaling.amdahl", "must be a finite number", "-.inf"});
}

TEST(BadProblemFiles, NanObjectiveWeight) {
    expect_error("nan-objective-weight.yaml",
                 {6, 33, "objective.minimize.cost", "must be a finite number", ".nan"});
}

// ---- Values out of range ----

TEST(BadProblemFiles, ZeroCapacity) {
    expect_error("zero-capacity.yaml",
                 {2, 33, "resources[0].capacity.units", "must be greater than 0", "0"});
}

TEST(BadProblemFiles, NegativeCapacity) {
    expect_error("negative-capacity.yaml",
                 {2, 47, "resources[0].capacity.memory_gb", "must be greater than 0", "-64"});
}

TEST(BadProblemFiles, NegativeWorkload) {
    expect_error("negative-workload.yaml",
                 {5, 15, "tasks[0].workload", "must not be negative", "-5"});
}

TEST(BadProblemFiles, ZeroFrequency) {
    expect_error("zero-frequency.yaml",
                 {4, 24, "tasks[0].frequency", "must be greater than 0", "0"});
}

TEST(BadProblemFiles, ZeroHorizon) {
    expect_error("horizon-zero.yaml", {5, 10, "horizon", "must be greater than 0", "0"});
}

TEST(BadProblemFiles, UnitsMinOverMax) {
    expect_error("units-min-over-max.yaml",
                 {4, 20, "tasks[0].units", "min must not exceed max", "4 > 2"});
}

TEST(BadProblemFiles, UnitsZero) {
    expect_error("units-zero.yaml", {4, 20, "tasks[0].units", "unit counts must be >= 1", "0"});
}

TEST(BadProblemFiles, AmdahlFractionOutOfRange) {
    expect_error("amdahl-out-of-range.yaml",
                 {4, 31, "tasks[0].scaling.amdahl", "must be in [0, 1]", "1.5"});
}

TEST(BadProblemFiles, ScalingTableMissesAUnitCount) {
    expect_error("scaling-table-missing-entry.yaml",
                 {6, 22, "tasks[0].scaling.table", "no entry for this unit count", "4"});
}

TEST(BadProblemFiles, UnknownScaling) {
    expect_error("scaling-unknown.yaml",
                 {4, 22, "tasks[0].scaling", "expected linear, {amdahl: p}", "quadratic"});
}

TEST(BadProblemFiles, CountZero) {
    expect_error("count-zero.yaml", {2, 23, "resources[0].count", "must be at least 1", "0"});
}

TEST(BadProblemFiles, CountHuge) {
    expect_error("count-huge.yaml",
                 {2, 23, "resources[0].count", "too many copies (at most 1000000)", "1000000000"});
}

// ---- Names: enumerations, ids, references ----

TEST(BadProblemFiles, WrongMode) {
    expect_error("mode-wrong.yaml", {1, 7, "mode", "expected schedule or packing", "packed"});
}

TEST(BadProblemFiles, WrongPolicy) {
    expect_error("policy-wrong.yaml",
                 {1, 9, "policy", "expected fcfs, sjf, ljf or priority", "lifo"});
}

TEST(BadProblemFiles, WrongTaskKind) {
    expect_error(
        "task-kind-wrong.yaml",
        {4, 19, "tasks[0].kind",
         "expected compute, data, training, inference or serving (did you mean 'training'?)",
         "trainig"});
}

TEST(BadProblemFiles, WrongHardConstraint) {
    expect_error("hard-wrong.yaml", {5, 8, "hard[0]", "did you mean 'deadlines'?", "deadline"});
}

TEST(BadProblemFiles, UnknownMetric) {
    expect_error(
        "objective-unknown-metric.yaml",
        {5, 23, "objective.minimize", "unknown metric (did you mean 'makespan'?)", "makespam"});
}

TEST(BadProblemFiles, ObjectiveAsScalar) {
    expect_error("objective-scalar.yaml",
                 {5, 12, "objective", "e.g. {minimize: makespan}", "makespan"});
}

TEST(BadProblemFiles, MissingResources) {
    expect_error("missing-resources.yaml", {1, 1, "resources", "a problem needs 'resources'", ""});
}

TEST(BadProblemFiles, EmptyResources) {
    expect_error("empty-resources.yaml",
                 {1, 12, "resources", "a problem needs at least one resource", ""});
}

TEST(BadProblemFiles, MissingTaskId) {
    expect_error("missing-id.yaml", {4, 5, "tasks[0].id", "every task needs an id", ""});
}

TEST(BadProblemFiles, EmptyId) {
    expect_error("empty-id.yaml", {2, 10, "resources[0].id", "an id must not be empty", "\"\""});
}

TEST(BadProblemFiles, DuplicateResourceId) {
    expect_error(
        "duplicate-resource-id.yaml",
        {4, 10, "resources[2].id", "duplicate resource id (first at resources[0])", "cpu"});
}

TEST(BadProblemFiles, DuplicateTaskId) {
    expect_error("duplicate-task-id.yaml",
                 {6, 10, "tasks[2].id", "duplicate task id (first at tasks[0])", "prep"});
}

TEST(BadProblemFiles, DuplicateIdMadeByCount) {
    expect_error(
        "duplicate-count-id.yaml",
        {3, 10, "resources[1].id", "resources[0] already makes 'a100-1' with its count", "a100-1"});
}

TEST(BadProblemFiles, AllowedNamesAnUnknownKind) {
    expect_error("allowed-unknown-kind.yaml",
                 {5, 28, "tasks[0].allowed[1]",
                  "no resource has this id, kind or device model (did you mean 'gpu'?)", "gpus"});
}

TEST(BadProblemFiles, AllowedNamesAnUnknownId) {
    expect_error("allowed-unknown-id.yaml",
                 {4, 23, "tasks[0].allowed[0]", "did you mean 'a100-0'?", "a100-2"});
}

TEST(BadProblemFiles, DemandOfAnUnknownDimension) {
    expect_error(
        "demand-unknown-dimension.yaml",
        {4, 30, "tasks[0].demand.memory", "no resource has this capacity dimension", "memory"});
}

// ---- Dense matrices ----

TEST(BadProblemFiles, TimeMatrixWithTooFewRows) {
    expect_error("time-wrong-rows.yaml",
                 {8, 3, "time", "matrix must have one row per task (2)", "1 rows"});
}

TEST(BadProblemFiles, TimeMatrixWithARaggedRow) {
    expect_error("time-ragged-row.yaml",
                 {9, 5, "time[1]", "one value per resource (2)", "3 values"});
}

TEST(BadProblemFiles, DemandMatrixOfTheWrongShape) {
    expect_error("demand-matrix-wrong-shape.yaml",
                 {7, 10, "demand.load[0]", "one value per resource (2)", "3 values"});
}

// ---- Tasks no resource can hold ----

TEST(BadProblemFiles, UnitsOverEveryAllowedCapacity) {
    expect_error(
        "task-units-too-large.yaml",
        {5, 24, "tasks[0].units",
         "needs at least 16 units but no allowed resource has that much (the largest has 8)",
         "16"});
}

TEST(BadProblemFiles, DemandOverEveryCapacity) {
    expect_error(
        "task-demand-too-large.yaml",
        {4, 37, "tasks[0].demand.memory_gb", "needs 160 memory_gb but no allowed resource", "160"});
}

// ---- A given allocation ----

TEST(BadProblemFiles, AllocationNamesAnUnknownTask) {
    expect_error("allocation-unknown-task.yaml",
                 {6, 12, "allocation[0].task", "no such task (did you mean 'prep'?)", "perp"});
}

TEST(BadProblemFiles, AllocationNamesAnUnknownResource) {
    expect_error(
        "allocation-unknown-resource.yaml",
        {6, 28, "allocation[0].resource", "no such resource (did you mean 'cpu'?)", "cpus"});
}

TEST(BadProblemFiles, AllocationListsATaskTwice) {
    expect_error(
        "allocation-task-twice.yaml",
        {9, 12, "allocation[2].task", "task listed twice (first at allocation[0])", "prep"});
}

TEST(BadProblemFiles, AllocationUnitsOverCapacity) {
    expect_error("allocation-units-over-capacity.yaml",
                 {7, 40, "allocation[0].units", "more units than resource 'cpu' has (8)", "12"});
}

TEST(BadProblemFiles, AllocationOnAResourceNotAllowed) {
    expect_error(
        "allocation-not-allowed.yaml",
        {7, 29, "allocation[0].resource", "task 'train' is not allowed on resource 'cpu'", "cpu"});
}

// Tasks that overflow a resource together are an infeasible allocation, not a bad file: it
// is read, the Evaluator reports the overflow (so `evaluate` exits 1 on an infeasible result
// of `solve`), and check_allocation() still names the entry that overflows.
TEST(ProblemFiles, PackingAllocationOverCapacityIsReadAndScoredInfeasible) {
    const ProblemFile file = read_problem_file(kGood + "packing-allocation-over-capacity.yaml");
    ASSERT_TRUE(file.allocation.has_value());
    const Evaluator ev(file.problem, {.threads = 1});
    const Report report = ev.report(*file.allocation);
    EXPECT_FALSE(report.evaluation.feasible());
    EXPECT_DOUBLE_EQ(report.capacity_violation, 1.0 / 8.0);
    try {
        check_allocation(file.problem, *file.allocation);
        FAIL() << "check_allocation accepted an overflow";
    } catch (const InputError& e) {
        EXPECT_EQ(e.key(), "allocation[2]");
        EXPECT_NE(e.message().find("need 9 units but it has 8"), std::string::npos) << e.message();
    }
}

// ---- Errors that need no file ----

TEST(ProblemErrors, MissingFile) {
    const auto e = error_reading(kBad + "no-such-file.yaml");
    ASSERT_TRUE(e);
    EXPECT_NE(e->message().find("cannot open file"), std::string::npos) << e->what();
    EXPECT_EQ(e->position().file, kBad + "no-such-file.yaml");
}

TEST(ProblemErrors, DirectoryInsteadOfFile) {
    const auto e = error_reading(ALLOCOPT_TEST_DATA);
    ASSERT_TRUE(e);
    EXPECT_NE(e->message().find("directory"), std::string::npos) << e->what();
}

TEST(ProblemErrors, ParseProblemNamesTheGivenFile) {
    const auto e = error_parsing(
        "resources: [{id: c, capacity: {units: 2}}]\ntasks: [{id: t, "
        "units: 3}]\n");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->position().file, "inline.yaml");
    EXPECT_EQ(e->position().line, 2);
    EXPECT_EQ(e->key(), "tasks[0].units");
}

TEST(ProblemErrors, NumberForms) {
    const std::string head =
        "resources: [{id: c, capacity: {units: 8}}]\ntasks: [{id: t, workload: ";
    for (const char* bad :
         {"0x10", "1_000", "++1", "nan(1)", "-Infinity", "1e-999", "--1", "5 kg"}) {
        SCOPED_TRACE(bad);
        const auto e = error_parsing(head + bad + "}]\n");
        ASSERT_TRUE(e);
        EXPECT_EQ(e->key(), "tasks[0].workload");
        EXPECT_EQ(e->position().line, 2);
    }
    for (const char* good : {"+5", "1e3", ".5", "5.", "-0"}) {
        SCOPED_TRACE(good);
        EXPECT_NO_THROW(parse_problem(head + good + "}]\n"));
    }
}

TEST(ProblemErrors, AllocationFileErrorsArePositioned) {
    const Problem problem = read_problem(ALLOCOPT_PROBLEMS "/seed-example.yaml");
    try {
        parse_allocation("assignment:\n  - {task: model-training, resource: cpu, units: 2}\n",
                         problem, "result.yaml");
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_EQ(e.key(), "assignment[0].resource");
        EXPECT_EQ(e.position().line, 2);
        EXPECT_EQ(e.position().column, 38);
        EXPECT_NE(e.message().find("not allowed"), std::string::npos) << e.what();
    }
}

// ---- What a valid file gives ----

TEST(ReadProblem, SeedExample) {
    const ProblemFile file = read_problem_file(ALLOCOPT_PROBLEMS "/seed-example.yaml");
    const Problem& p = file.problem;
    EXPECT_EQ(p.name(), "seed-example");
    ASSERT_EQ(p.num_tasks(), 2u);
    ASSERT_EQ(p.num_resources(), 2u);
    EXPECT_EQ(p.mode(), Mode::schedule);
    EXPECT_EQ(p.policy(), Policy::fcfs);
    EXPECT_EQ(p.task(0).id, "data-preprocessing");
    EXPECT_EQ(p.task(0).kind, TaskKind::data);
    EXPECT_DOUBLE_EQ(p.task(0).workload, 100);
    EXPECT_DOUBLE_EQ(p.task(0).frequency, 10);
    EXPECT_DOUBLE_EQ(p.task(1).workload, 500);
    EXPECT_DOUBLE_EQ(p.task(1).frequency, 5);
    EXPECT_DOUBLE_EQ(p.capacity(0, 0), 8);
    EXPECT_DOUBLE_EQ(p.capacity(1, 0), 4);
    ASSERT_TRUE(file.allocation);
    EXPECT_EQ(file.allocation->resource[0], 0);
    EXPECT_EQ(file.allocation->units[0], 4);
    EXPECT_EQ(file.allocation->resource[1], 1);
    EXPECT_EQ(file.allocation->units[1], 2);
}

TEST(ReadProblem, CountExpandsIntoNumberedIds) {
    const Problem p = read_problem(kGood + "all-forms.yaml");
    ASSERT_EQ(p.num_resources(), 3u);
    EXPECT_EQ(p.resource(0).id, "a100-0");
    EXPECT_EQ(p.resource(1).id, "a100-1");
    EXPECT_EQ(p.resource(2).id, "cpu-pool");
    EXPECT_EQ(p.resource(1).kind, "gpu");
    EXPECT_DOUBLE_EQ(p.resource(1).speed, 2.0);
    EXPECT_DOUBLE_EQ(p.resource(1).cost_per_hour, 2.5);
    EXPECT_DOUBLE_EQ(p.resource(2).fixed_cost, 3);
    EXPECT_DOUBLE_EQ(p.resource(2).weight, 0.5);
    EXPECT_EQ(p.resource_index("a100-1"), 1u);
    EXPECT_FALSE(p.resource_index("a100"));
}

TEST(ReadProblem, CountExpandsAsProblemDataAddResourcesDoes) {
    const Problem from_yaml = parse_problem(R"(
resources:
  - {id: gpu, kind: gpu, count: 3, capacity: {units: 8}, speed: 2}
tasks:
  - {id: t}
)")
                                  .problem;
    ProblemData d;
    d.add_resources({"gpu", "gpu", {{"units", 8}}, 2.0}, 3);
    ASSERT_EQ(from_yaml.num_resources(), d.resources.size());
    for (std::size_t j = 0; j < d.resources.size(); ++j) {
        EXPECT_EQ(from_yaml.resource(j).id, d.resources[j].id);
        EXPECT_EQ(from_yaml.resource(j).capacity, d.resources[j].capacity);
        EXPECT_EQ(from_yaml.resource(j).speed, d.resources[j].speed);
    }
}

TEST(ReadProblem, UnitForms) {
    const Problem p = read_problem(kGood + "all-forms.yaml");
    const UnitChoice& range = p.task(0).units;  // {min: 1, max: 8}
    EXPECT_EQ(range.min, 1);
    EXPECT_EQ(range.max, 8);
    EXPECT_TRUE(range.values.empty());
    const UnitChoice& list = p.task(1).units;  // [1, 2, 4, 8]
    EXPECT_EQ(list.values, (std::vector<int>{1, 2, 4, 8}));
    EXPECT_FALSE(list.allows(3));
    EXPECT_TRUE(p.task(2).units.fixed());  // 1
    EXPECT_EQ(p.task(3).units.min, 2);     // 2
    EXPECT_EQ(p.task(3).units.max, 2);
}

TEST(ReadProblem, ScalingForms) {
    const Problem p = read_problem(kGood + "all-forms.yaml");
    EXPECT_EQ(p.task(0).scaling.type, Scaling::Type::linear);  // default
    EXPECT_EQ(p.task(1).scaling.type, Scaling::Type::amdahl);
    EXPECT_DOUBLE_EQ(p.task(1).scaling.parallel_fraction, 0.95);
    EXPECT_EQ(p.task(2).scaling.type, Scaling::Type::table);
    EXPECT_DOUBLE_EQ(p.task(2).scaling.speedup(1), 1.0);
    EXPECT_EQ(p.task(3).scaling.type, Scaling::Type::linear);  // written out
}

TEST(ReadProblem, TaskFields) {
    const Problem p = read_problem(kGood + "all-forms.yaml");
    const Task& train = p.task(1);
    EXPECT_DOUBLE_EQ(train.priority, 2);
    EXPECT_DOUBLE_EQ(train.deadline, 900);
    EXPECT_EQ(train.allowed, (std::vector<std::string>{"gpu"}));
    EXPECT_TRUE(p.task(2).optional);
    EXPECT_DOUBLE_EQ(p.task(2).arrival, 50);
    EXPECT_FALSE(p.task(3).optional);
    EXPECT_TRUE(p.allowed(3, 1));   // by id a100-1
    EXPECT_FALSE(p.allowed(3, 0));  // a100-0 not named
    EXPECT_TRUE(p.allowed(3, 2));
    EXPECT_TRUE(p.allowed(2, 0));  // no list: anywhere
}

TEST(ReadProblem, ModePolicyObjectiveHorizonHard) {
    const Problem p = read_problem(kGood + "all-forms.yaml");
    EXPECT_EQ(p.mode(), Mode::packing);
    EXPECT_EQ(p.policy(), Policy::priority);
    EXPECT_EQ(p.objective().sense, Sense::minimize);
    ASSERT_EQ(p.objective().terms.size(), 2u);
    EXPECT_EQ(p.objective().terms[0].first, Metric::makespan);
    EXPECT_DOUBLE_EQ(p.objective().terms[0].second, 1.0);
    EXPECT_EQ(p.objective().terms[1].first, Metric::cost);
    EXPECT_DOUBLE_EQ(p.objective().terms[1].second, 0.2);
    EXPECT_DOUBLE_EQ(p.horizon(), 1000);
    EXPECT_TRUE(p.data().hard_deadlines);
    EXPECT_FALSE(p.data().hard_horizon);
}

TEST(ReadProblem, DenseTimeAndDemandMatrices) {
    const Problem p = read_problem(kGood + "all-forms.yaml");
    ASSERT_TRUE(p.has_time_matrix());
    EXPECT_DOUBLE_EQ(p.time(1, 2), 100);
    const auto load = p.dimension_index("load");
    ASSERT_TRUE(load);
    ASSERT_TRUE(p.has_demand_matrix(*load));
    EXPECT_DOUBLE_EQ(p.demand(1, 2, *load), 40);
    EXPECT_DOUBLE_EQ(p.demand(2, 0, *load), 0.5);
    const auto memory = p.dimension_index("memory_gb");
    ASSERT_TRUE(memory);
    EXPECT_FALSE(p.has_demand_matrix(*memory));
    EXPECT_DOUBLE_EQ(p.demand(1, 0, *memory), 80);  // the task's own demand
}

TEST(ReadProblem, GivenAllocationWithAnUnplacedTask) {
    const ProblemFile file = read_problem_file(kGood + "all-forms.yaml");
    ASSERT_TRUE(file.allocation);
    EXPECT_EQ(file.allocation->resource[0], 2);
    EXPECT_EQ(file.allocation->units[0], 4);
    EXPECT_EQ(file.allocation->resource[1], 0);
    EXPECT_FALSE(file.allocation->placed(2));  // resource: null
    EXPECT_FALSE(file.allocation->placed(3));  // not listed
}

TEST(ReadProblem, CrlfLineEnds) {
    const Problem p = read_problem(kGood + "crlf.yaml");
    EXPECT_EQ(p.name(), "crlf");
    ASSERT_EQ(p.num_tasks(), 1u);
    EXPECT_EQ(p.task(0).id, "prep");
    EXPECT_EQ(p.task(0).units.max, 8);
    EXPECT_EQ(p.resource(0).id, "cpu");
}

TEST(ReadProblem, Utf8ByteOrderMark) {
    EXPECT_EQ(read_problem(kGood + "utf8-bom.yaml").name(), "bom");
}

TEST(ReadProblem, BooleanSpellings) {
    const std::string head =
        "resources: [{id: c, capacity: {units: 8}}]\ntasks: [{id: t, optional: ";
    EXPECT_TRUE(parse_problem(head + "True}]").problem.task(0).optional);
    EXPECT_FALSE(parse_problem(head + "FALSE}]").problem.task(0).optional);
    EXPECT_TRUE(error_parsing(head + "on}]"));
}

// ---- Speed-up tables ----

TEST(ReadProblem, SpeedupsGiveTimesPerTypeAndKind) {
    const Problem p = read_problem(kGood + "speedups.yaml");
    ASSERT_EQ(p.num_resources(), 4u);  // v-0, v-1, p, c
    EXPECT_TRUE(p.has_speedups());
    EXPECT_FALSE(p.has_time_matrix());
    EXPECT_EQ(p.task(0).type, "resnet");
    EXPECT_EQ(p.task(2).type, "");
    EXPECT_DOUBLE_EQ(p.time(0, 0), 10 / (2 * 1.0));  // workload / (speed x factor)
    EXPECT_DOUBLE_EQ(p.time(0, 2), 10 / (1 * 0.5));
    EXPECT_DOUBLE_EQ(p.time(0, 3), 10.0);  // not allowed on cpu, which its row lacks: factor 1
    EXPECT_DOUBLE_EQ(p.time(1, 1), 4 / (2 * 1.0));
    EXPECT_DOUBLE_EQ(p.time(1, 2), 4 / 0.25);
    EXPECT_DOUBLE_EQ(p.time(1, 3), 4 / 0.01);
    EXPECT_DOUBLE_EQ(p.time(2, 0), 3 / 2.0);  // no type: workload / speed
    EXPECT_DOUBLE_EQ(p.time(2, 3), 3.0);
}

TEST(BadProblemFiles, SpeedupFactorNotPositive) {
    expect_error("speedups-zero-factor.yaml",
                 {4, 18, "speedups.resnet.v100", "must be greater than 0", "0"});
    expect_error("speedups-nan-factor.yaml",
                 {4, 18, "speedups.resnet.v100", "must be a finite number", ".nan"});
}

TEST(BadProblemFiles, SpeedupRowLacksAKindTheTaskMayUse) {
    expect_error("speedups-missing-kind.yaml",
                 {5, 11, "speedups.resnet",
                  "this row lacks kind 'p100', where task 'anywhere' (tasks[1]) may be placed "
                  "(resource 'p')",
                  "p100"});
}

TEST(BadProblemFiles, SpeedupKindNoResourceHas) {
    expect_error(
        "speedups-unknown-kind.yaml",
        {4, 26, "speedups.resnet.v10", "no resource has this kind (did you mean 'v100'?)", "v10"});
}

TEST(BadProblemFiles, SpeedupRowNotAMapping) {
    expect_error("speedups-row-scalar.yaml",
                 {4, 11, "speedups.resnet", "expected a mapping of resource kinds", "2"});
}

TEST(BadProblemFiles, SpeedupsAndATimeMatrix) {
    expect_error("speedups-with-time.yaml",
                 {4, 3, "speedups", "give either a 'time' matrix or 'speedups', not both", ""});
}

TEST(BadProblemFiles, TaskTypeNotInTheTable) {
    expect_error(
        "task-type-unknown.yaml",
        {7, 19, "tasks[1].type", "no such row in 'speedups' (did you mean 'resnet'?)", "resnt"});
    expect_error("task-type-without-speedups.yaml",
                 {4, 19, "tasks[0].type", "no 'speedups' table", "resnet"});
    expect_error("task-type-empty.yaml", {6, 19, "tasks[0].type", "leave 'type' out", "\"\""});
}

TEST(BadProblemFiles, SpeedupsKeyNearMiss) {
    expect_error("speedups-key-near-miss.yaml",
                 {3, 1, "speedup", "unknown key (did you mean 'speedups'?)", "speedup"});
}

TEST(BadProblemFiles, SpeedupFactorMakesTotalsOverflow) {
    expect_error("speedups-total-overflow.yaml",
                 {4, 18, "speedups.resnet.v100", "sum of task durations", "1e-300"});
}

}  // namespace
}  // namespace allocopt
