// Speed tables per unit count (ProblemData::speedup_tables, docs/design.md §Speed-up table):
// reading, refusals, the writer's round trip, durations, incremental against full evaluation,
// and the Gavel importer's variants that use them (--units variable|one|max, --objective,
// --horizon).

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "allocopt/bounds.hpp"
#include "allocopt/error.hpp"
#include "allocopt/evaluator.hpp"
#include "allocopt/io/benchmarks.hpp"
#include "allocopt/io/gavel.hpp"
#include "allocopt/io/problem_writer.hpp"
#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/problem.hpp"

namespace allocopt {
namespace {

const std::string kJobs = std::string(ALLOCOPT_PROBLEMS) + "/gavel/jobs_seed0_n100.csv";

/// Two kinds; type `net` has a table on `fast` and a plain factor on `slow`.
std::string tabled(const std::string& fast_table, const std::string& units = "[1, 2, 4]") {
    return R"(
name: tabled
resources:
  - {id: f, kind: fast, capacity: {units: 4}, speed: 2}
  - {id: s, kind: slow, capacity: {units: 4}}
speedups:
  net: {fast: )" +
           fast_table + R"(, slow: 0.5}
tasks:
  - {id: a, workload: 12, type: net, units: )" +
           units + R"(}
  - {id: b, workload: 3, frequency: 2}
objective: {minimize: makespan}
)";
}

const std::string kTable = "{1: 1, 2: 1.5, 4: 4.8}";

InputError refusal(const std::string& text) {
    try {
        parse_problem(text, "inline.yaml");
    } catch (const InputError& e) {
        return e;
    }
    ADD_FAILURE() << "expected an InputError";
    return InputError("", "", "");
}

TEST(UnitTables, ReadsATableInPlaceOfAFactor) {
    const Problem p = parse_problem(tabled(kTable)).problem;
    ASSERT_TRUE(p.has_unit_tables());
    const UnitSpeeds expected = {{1, 1.0}, {2, 1.5}, {4, 4.8}};
    EXPECT_EQ(p.data().speedup_tables.at("net").at("fast"), expected);
    EXPECT_EQ(p.data().speedups.at("net").at("slow"), 0.5);
    EXPECT_FALSE(p.data().speedups.at("net").count("fast"));
}

TEST(UnitTables, TheTableReplacesTheTasksScalingOnItsKind) {
    const Problem p = parse_problem(tabled(kTable)).problem;
    // On `fast` (speed 2): 12 / (2 x table[u]), super-linear entries kept.
    EXPECT_DOUBLE_EQ(p.duration(0, 0, 1), 6.0);
    EXPECT_DOUBLE_EQ(p.duration(0, 0, 2), 4.0);
    EXPECT_DOUBLE_EQ(p.duration(0, 0, 4), 12 / (2 * 4.8));
    // On `slow`, a plain factor: the task's linear scaling applies.
    EXPECT_DOUBLE_EQ(p.duration(0, 1, 4), 12 / 0.5 / 4);
    // A task without a type is untouched; time() reads the factor at the smallest count.
    EXPECT_DOUBLE_EQ(p.duration(1, 0, 1), 2 * 3 / 2.0);
    EXPECT_DOUBLE_EQ(p.time(0, 0), 6.0);
}

TEST(UnitTables, TheEvaluatorUsesTheTable) {
    const Problem p = parse_problem(tabled(kTable)).problem;
    Evaluator ev(p);
    Allocation a(2);
    a.place(0, 0, 4);
    a.place(1, 1, 1);
    const auto makespan = [&] {
        return ev.report(a).metrics[static_cast<std::size_t>(Metric::makespan)];
    };
    EXPECT_DOUBLE_EQ(makespan(), 6.0);  // b: 2 x 3 / 1 on s
    a.place(1, 0, 1);                   // b after a on f (fcfs: both arrive at 0, a first)
    EXPECT_DOUBLE_EQ(makespan(), 12 / 9.6 + 3.0);
}

TEST(UnitTables, TheWriterRoundTripsExactly) {
    const Problem p =
        parse_problem(tabled("{1: 0.1, 2: 0.30000000000000004, 8: 7}", "[1, 2, 8]")).problem;
    const std::string text = problem_text(p);
    const Problem back = parse_problem(text).problem;
    EXPECT_EQ(back.data().speedup_tables, p.data().speedup_tables);
    EXPECT_EQ(back.data().speedups, p.data().speedups);
    EXPECT_EQ(problem_text(back), text);
}

TEST(UnitTables, RefusesAMissingUnitCount) {
    const InputError e = refusal(tabled("{1: 1, 4: 4}"));
    EXPECT_EQ(e.key(), "speedups.net.fast");
    EXPECT_EQ(e.value(), "2");
}

TEST(UnitTables, ACountThatFitsNoResourceOfTheKindNeedsNoEntry) {
    // 8 units fit neither resource (4 units each): the table need not have 8.
    EXPECT_NO_THROW(parse_problem(tabled(kTable, "[1, 2, 4, 8]")));
}

TEST(UnitTables, AKindTheTaskMayNotUseNeedsNoEntry) {
    std::string text = tabled("{1: 1}");
    text.replace(text.find("type: net,"), 10, "type: net, allowed: [slow],");
    EXPECT_NO_THROW(parse_problem(text));
}

TEST(UnitTables, RefusesBadEntries) {
    EXPECT_EQ(refusal(tabled("{1: 1, 2: 0, 4: 3}")).key(), "speedups.net.fast.2");
    EXPECT_EQ(refusal(tabled("{1: 1, 2: -1, 4: 3}")).value(), "-1");
    EXPECT_EQ(refusal(tabled("{0: 1, 1: 1, 2: 2, 4: 3}")).value(), "0");
    EXPECT_EQ(refusal(tabled("{1: 1, 2: 1.5, 4: 4.8, 1: 2}")).key(), "speedups.net.fast.1");
    EXPECT_EQ(refusal(tabled("{1: 1, 2.5: 2, 4: 3}")).key(), "speedups.net.fast");
    EXPECT_EQ(refusal(tabled("{}")).key(), "speedups.net.fast");
}

TEST(UnitTables, RefusesATableWithATimeMatrix) {
    const std::string text = tabled(kTable) + "time: [[1, 1], [1, 1]]\n";
    EXPECT_EQ(refusal(text).key(), "speedups");
}

TEST(UnitTables, RefusesAPairGivenTwiceInCode) {
    ProblemData data = parse_problem(tabled(kTable)).problem.data();
    data.speedups["net"]["fast"] = 2;
    try {
        Problem p(data);
        ADD_FAILURE() << "expected an InputError";
    } catch (const InputError& e) {
        EXPECT_EQ(e.key(), "speedups.net.fast");
    }
}

TEST(UnitTables, ProblemsWithoutTablesHaveNone) {
    const std::string text = R"(
resources: [{id: r, kind: gpu, capacity: {units: 2}}]
speedups: {t: {gpu: 2}}
tasks: [{id: a, type: t, workload: 4, units: [1, 2]}]
objective: {minimize: makespan}
)";
    const Problem p = parse_problem(text).problem;
    EXPECT_FALSE(p.has_unit_tables());
    EXPECT_DOUBLE_EQ(p.duration(0, 0, 2), 1.0);
}

// ---------------------------------------------------------------------------------------------
// The Gavel variants

GavelOptions with_units(GavelUnits units) {
    GavelOptions options;
    options.units = units;
    return options;
}

TEST(GavelVariants, FixedIsTheImportOfBefore) {
    EXPECT_EQ(problem_text(import_gavel(kJobs, with_units(GavelUnits::fixed))),
              problem_text(import_gavel(kJobs)));
}

TEST(GavelVariants, VariableTakesTheMeasuredCountsInHours) {
    const Problem p = import_gavel(kJobs, with_units(GavelUnits::variable));
    ASSERT_TRUE(p.has_unit_tables());
    // Job 0: ResNet-18 (batch size 64), 17484476.26 steps; 24.093 steps/s on one V100,
    // 255.829 on 8 V100 (the jobs file's thr_v100 at its scale factor 8).
    const Task& t = p.task(0);
    EXPECT_EQ(t.type, "ResNet-18 (batch size 64)");
    EXPECT_EQ(t.units.values, (std::vector<int>{1, 2, 4, 8}));
    const double one = 24.093231895382736;
    EXPECT_DOUBLE_EQ(t.workload, 17484476.26110642 / one / 3600);
    EXPECT_NEAR(p.duration(0, 0, 8), 17484476.26110642 / 255.82913926317391 / 3600, 1e-9);
    EXPECT_NEAR(p.duration(0, 0, 1), 17484476.26110642 / one / 3600, 1e-9);
    // Job 1: Transformer (batch size 16) is data-parallel too; every single-GPU type takes 1.
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        const std::string& type = p.task(i).type;
        if (type == "A3C" || type == "CycleGAN" || type.starts_with("Recommendation")) {
            EXPECT_EQ(p.task(i).units.max, 1) << type;
        }
    }
}

TEST(GavelVariants, AZeroThroughputAtSomeCountDropsTheType) {
    // Job 43: ResNet-50 (batch size 128), no K80 throughput at 2, 4, 8 GPUs.
    const Problem variable = import_gavel(kJobs, with_units(GavelUnits::variable));
    const std::size_t i = *variable.task_index("43");
    EXPECT_TRUE(variable.allowed(i, 0));
    EXPECT_FALSE(variable.allowed(i, 2));
    const Problem one = import_gavel(kJobs, with_units(GavelUnits::one));
    EXPECT_TRUE(one.allowed(i, 2));
    EXPECT_EQ(one.task(i).units.max, 1);
    const Problem max = import_gavel(kJobs, with_units(GavelUnits::max));
    EXPECT_EQ(max.task(i).units.min, 8);
    EXPECT_FALSE(max.allowed(i, 2));
}

TEST(GavelVariants, EfficiencyUnderAHorizonInHours) {
    ImportOptions options;
    options.units = "variable";
    options.objective = "efficiency";
    options.horizon = "12.5";
    const Problem p = import_benchmark(BenchmarkFormat::gavel, kJobs, options);
    EXPECT_EQ(p.objective().sense, Sense::maximize);
    EXPECT_EQ(p.horizon(), 12.5);
    EXPECT_TRUE(p.data().hard_horizon);
    // In the fixed variant the hours become seconds.
    options.units = "";
    EXPECT_EQ(import_benchmark(BenchmarkFormat::gavel, kJobs, options).horizon(), 12.5 * 3600);
}

TEST(GavelVariants, AHorizonRelativeToTheLpBound) {
    ImportOptions options;
    options.units = "variable";
    options.objective = "efficiency";
    options.horizon = "1.5x";
    if (!lp_bounds_available()) {
        try {
            import_benchmark(BenchmarkFormat::gavel, kJobs, options);
            ADD_FAILURE() << "expected an InputError";
        } catch (const InputError& e) {
            EXPECT_EQ(e.key(), "--horizon");
            EXPECT_EQ(e.value(), "1.5x");
        }
        return;
    }
    const Problem p = import_benchmark(BenchmarkFormat::gavel, kJobs, options);
    const auto bound = lp_makespan_bound(import_gavel(kJobs, with_units(GavelUnits::variable)));
    ASSERT_TRUE(bound);
    EXPECT_NEAR(p.horizon(), 1.5 * *bound, 1e-9 * *bound);
}

TEST(GavelVariants, RefusesAHorizonThatIsNotPositive) {
    for (const auto& [horizon, factor] :
         {std::pair{-1.0, 0.0}, std::pair{0.0, 0.0}, std::pair{kInfinity, -2.0}}) {
        GavelOptions options = with_units(GavelUnits::variable);
        options.horizon = horizon;
        options.horizon_factor = factor;
        try {
            import_gavel(kJobs, options);
            ADD_FAILURE() << "expected an InputError";
        } catch (const InputError& e) {
            EXPECT_EQ(e.key(), "--horizon");
        }
    }
}

TEST(GavelVariants, RefusesUnknownOptions) {
    const auto key_of = [](ImportOptions options) {
        try {
            import_benchmark(BenchmarkFormat::gavel, kJobs, options);
        } catch (const InputError& e) {
            return e.key() + "=" + e.value();
        }
        return std::string("no error");
    };
    ImportOptions units;
    units.units = "some";
    EXPECT_EQ(key_of(units), "--units=some");
    ImportOptions objective;
    objective.objective = "cost";
    EXPECT_EQ(key_of(objective), "--objective=cost");
    ImportOptions horizon;
    horizon.horizon = "-3";
    EXPECT_EQ(key_of(horizon), "--horizon=-3");
    horizon.horizon = "x";
    EXPECT_EQ(key_of(horizon), "--horizon=x");
    horizon.horizon = "0x";
    EXPECT_EQ(key_of(horizon), "--horizon=0x");
}

}  // namespace
}  // namespace allocopt
