#include "allocopt/problem.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "allocopt/error.hpp"

namespace allocopt {
namespace {

ProblemData two_by_two() {
    ProblemData d;
    d.name = "tiny";
    d.resources = {{"g", "gpu", {{"units", 4}, {"memory_gb", 80}}, 2.0},
                   {"c", "cpu", {{"units", 16}}, 1.0}};
    Task train;
    train.id = "train";
    train.workload = 100;
    train.units = UnitChoice::list({1, 2, 4});
    train.demand = {{"memory_gb", 40}};
    train.allowed = {"gpu"};
    Task prep;
    prep.id = "prep";
    prep.kind = TaskKind::data;
    prep.workload = 30;
    prep.units = UnitChoice::range(1, 8);
    d.tasks = {train, prep};
    return d;
}

std::string key_of_error(const ProblemData& d) {
    try {
        Problem p(d);
    } catch (const InputError& e) {
        return e.key();
    }
    return "(no error)";
}

TEST(ProblemData, AddResourcesExpandsIdenticalCopiesWithNumberedIds) {
    ProblemData d = two_by_two();
    Resource node{"a100", "gpu", {{"units", 8}, {"memory_gb", 640}}, 2.0, 2.5};
    d.add_resources(node, 3);
    ASSERT_EQ(d.resources.size(), 5u);
    for (std::size_t c = 0; c < 3; ++c) {
        const Resource& r = d.resources[2 + c];
        EXPECT_EQ(r.id, "a100-" + std::to_string(c));
        EXPECT_EQ(r.kind, "gpu");
        EXPECT_EQ(r.capacity, node.capacity);
        EXPECT_DOUBLE_EQ(r.speed, 2.0);
        EXPECT_DOUBLE_EQ(r.cost_per_hour, 2.5);
    }
    EXPECT_EQ(counted_resource_id("a100", 12), "a100-12");
    const Problem p(std::move(d));
    EXPECT_EQ(p.resource_index("a100-2"), 4u);
    EXPECT_TRUE(p.allowed(0, 3));  // train may use gpu: the copies keep the kind
}

TEST(ProblemData, AddResourcesRefusesNoCopies) {
    ProblemData d = two_by_two();
    try {
        d.add_resources({"a100", "gpu", {{"units", 8}}}, 0);
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_EQ(e.key(), "count");
        EXPECT_EQ(e.value(), "0");
    }
    EXPECT_EQ(d.resources.size(), 2u);
}

TEST(ProblemData, CopiesWhoseIdsClashAreRefusedByTheProblem) {
    ProblemData d = two_by_two();
    d.resources.push_back({"n-1", "cpu", {{"units", 1}}});
    d.add_resources({"n", "cpu", {{"units", 1}}}, 2);
    EXPECT_EQ(key_of_error(d), "resources[4].id");
}

TEST(Problem, DerivesTimeFromWorkloadAndSpeedWithoutAMatrix) {
    const Problem p(two_by_two());
    EXPECT_FALSE(p.has_time_matrix());
    EXPECT_DOUBLE_EQ(p.time(0, 0), 50.0);
    EXPECT_DOUBLE_EQ(p.time(1, 1), 30.0);
}

TEST(Problem, DurationAndPairCostByHand) {
    ProblemData d = two_by_two();
    d.resources[0].cost_per_hour = 3.0;
    d.tasks[0].frequency = 2;
    d.tasks[1].scaling = {Scaling::Type::amdahl, 0.5, {}};
    const Problem p(d);
    // train on g: 2 runs x 50 / 4 units (linear) = 25; cost 25 x 4 units x 3 per unit = 300.
    EXPECT_DOUBLE_EQ(p.duration(0, 0, 4), 25.0);
    EXPECT_DOUBLE_EQ(p.pair_cost(0, 0, 4), 300.0);
    // prep on c with 2 cores: Amdahl p = 0.5 gives a speed-up of 1 / (0.5 + 0.25) = 4/3.
    EXPECT_DOUBLE_EQ(p.duration(1, 1, 2), 22.5);
    EXPECT_DOUBLE_EQ(p.pair_cost(1, 1, 2), 0.0);  // the CPU pool costs nothing per hour
    // A cost matrix gives the whole task's cost, whatever the unit count.
    d.cost = Matrix{{7.0, 8.0}, {9.0, 10.0}};
    const Problem q(d);
    EXPECT_DOUBLE_EQ(q.pair_cost(0, 0, 1), 7.0);
    EXPECT_DOUBLE_EQ(q.pair_cost(1, 1, 2), 10.0);
}

TEST(Problem, DimensionsStartWithUnits) {
    const Problem p(two_by_two());
    ASSERT_EQ(p.num_dimensions(), 2u);
    EXPECT_EQ(p.dimensions()[0], "units");
    EXPECT_EQ(p.dimensions()[1], "memory_gb");
    EXPECT_DOUBLE_EQ(p.capacity(0, 1), 80.0);
    EXPECT_DOUBLE_EQ(p.capacity(1, 1), 0.0);  // the CPU pool declares no GPU memory
    EXPECT_DOUBLE_EQ(p.demand(0, 0, 1), 40.0);
}

TEST(Problem, AllowedByKind) {
    const Problem p(two_by_two());
    EXPECT_TRUE(p.allowed(0, 0));
    EXPECT_FALSE(p.allowed(0, 1));
    EXPECT_TRUE(p.allowed(1, 0));
    EXPECT_TRUE(p.allowed(1, 1));
}

TEST(Problem, UsesAGivenTimeMatrix) {
    ProblemData d = two_by_two();
    d.time = Matrix{{1.0, 2.0}, {3.0, 4.0}};
    const Problem p(d);
    EXPECT_DOUBLE_EQ(p.time(1, 0), 3.0);
}

TEST(Problem, RejectsInvalidData) {
    ProblemData d = two_by_two();
    d.resources[1].capacity["units"] = 0;
    EXPECT_EQ(key_of_error(d), "resources[1].capacity.units");

    d = two_by_two();
    d.tasks[0].workload = std::nan("");
    EXPECT_EQ(key_of_error(d), "tasks[0].workload");

    d = two_by_two();
    d.tasks[1].id = "train";
    EXPECT_EQ(key_of_error(d), "tasks[1].id");

    d = two_by_two();
    d.tasks[0].allowed = {"gpus"};
    EXPECT_EQ(key_of_error(d), "tasks[0].allowed[0]");

    d = two_by_two();
    d.time = Matrix::Zero(2, 3);
    EXPECT_EQ(key_of_error(d), "time");

    d = two_by_two();
    d.tasks[0].demand["memory_gb"] = 100;  // over every GPU's 80
    EXPECT_EQ(key_of_error(d), "tasks[0].demand.memory_gb");

    d = two_by_two();
    d.tasks[0].units = UnitChoice::range(5, 4);
    EXPECT_EQ(key_of_error(d), "tasks[0].units");
}

/// The InputError a problem raises, or a failure.
InputError error_of(const ProblemData& d) {
    try {
        Problem p(d);
    } catch (const InputError& e) {
        return e;
    }
    ADD_FAILURE() << "no error";
    return InputError("", "", "(no error)");
}

// Finite inputs whose totals overflow are refused, naming the value that makes them.
TEST(Problem, RejectsTotalsThatWouldOverflow) {
    ProblemData d = two_by_two();
    d.time = Matrix{{1.0, 2.0}, {1e308, 4.0}};
    InputError e = error_of(d);
    EXPECT_EQ(e.key(), "time[1][0]");
    EXPECT_EQ(e.value(), "1e+308");
    EXPECT_NE(e.message().find("task 'prep'"), std::string::npos) << e.what();

    // Two durations that are each finite but whose sum is not.
    d.time = Matrix{{9e299, 2.0}, {3.0, 9e299}};
    EXPECT_EQ(key_of_error(d), "time[1][1]");

    d = two_by_two();
    d.tasks[1].frequency = 1e307;
    EXPECT_EQ(key_of_error(d), "tasks[1].frequency");

    d = two_by_two();
    d.tasks[0].workload = 1e299;
    d.resources[0].speed = 1e-3;  // 1e302 time units on the GPU
    EXPECT_EQ(key_of_error(d), "tasks[0].workload");

    d = two_by_two();
    d.resources[1].cost_per_hour = 1e299;  // 100 time units x 1e299
    EXPECT_EQ(key_of_error(d), "resources[1].cost_per_hour");

    d = two_by_two();
    d.cost = Matrix{{1.0, 1e300}, {1e300, 1.0}};
    EXPECT_EQ(key_of_error(d), "cost[1][0]");

    d = two_by_two();
    d.tasks[0].priority = -1e300;  // priority x completion time
    EXPECT_EQ(key_of_error(d), "tasks[0].priority");

    d = two_by_two();
    d.tasks[0].demand["memory_gb"] = 1;
    d.resources[0].capacity["memory_gb"] = 1e-301;  // a violation of 1e301 there
    d.tasks[0].allowed = {"cpu", "gpu"};
    d.resources[1].capacity["memory_gb"] = 2;
    EXPECT_EQ(key_of_error(d), "resources[0].capacity.memory_gb");

    d = two_by_two();
    d.objective = {Sense::minimize, {{Metric::makespan, 1.0}, {Metric::cost, 1e305}}};
    d.resources[1].cost_per_hour = 1;
    EXPECT_EQ(key_of_error(d), "objective.cost");

    d = two_by_two();
    d.horizon = 1e-299;  // throughput = work / horizon
    EXPECT_EQ(key_of_error(d), "horizon");

    // Ratios: work per makespan, which can be as short as the shortest duration.
    d = two_by_two();
    d.time = Matrix{{1e-301, 2.0}, {3.0, 4.0}};
    e = error_of(d);
    EXPECT_EQ(e.key(), "time[0][0]");
    EXPECT_EQ(e.value(), "1e-301");
    EXPECT_NE(e.message().find("throughput"), std::string::npos) << e.what();

    d = two_by_two();
    d.resources[1].weight = 1e-299;  // work per weighted busy time
    EXPECT_EQ(key_of_error(d), "resources[1].weight");
}

TEST(Problem, AcceptsLargeButSafeValues) {
    ProblemData d = two_by_two();
    d.time = Matrix{{1e290, 1e290}, {1e290, 1e290}};
    d.tasks[0].priority = 1e5;
    EXPECT_NO_THROW(Problem p(d));
}

// ---- The speed-up table ----

/// two_by_two() with a table: train (allowed on gpu) is a resnet, prep has no type.
ProblemData with_speedups() {
    ProblemData d = two_by_two();
    d.speedups = {{"resnet", {{"gpu", 4.0}}}, {"lm", {{"gpu", 2.0}, {"cpu", 0.5}}}};
    d.tasks[0].type = "resnet";
    return d;
}

std::string message_of_error(const ProblemData& d) {
    try {
        Problem p(d);
    } catch (const InputError& e) {
        return e.value() + " | " + e.message();
    }
    return "(no error)";
}

TEST(Problem, SpeedupsDivideTheTimeByTheFactorOfTypeAndKind) {
    const Problem p(with_speedups());
    EXPECT_TRUE(p.has_speedups());
    EXPECT_FALSE(p.has_time_matrix());
    EXPECT_DOUBLE_EQ(p.time(0, 0), 100 / (2.0 * 4.0));
    EXPECT_DOUBLE_EQ(p.time(0, 1), 100.0);     // not allowed on cpu, which its row lacks: 1
    EXPECT_DOUBLE_EQ(p.time(1, 0), 30 / 2.0);  // no type: workload / speed, as without a table
    EXPECT_DOUBLE_EQ(p.time(1, 1), 30.0);
    ProblemData d = with_speedups();
    d.tasks[1].type = "lm";
    const Problem q(d);
    EXPECT_DOUBLE_EQ(q.time(1, 0), 30 / (2.0 * 2.0));
    EXPECT_DOUBLE_EQ(q.time(1, 1), 30 / 0.5);
    EXPECT_FALSE(Problem(two_by_two()).has_speedups());
}

TEST(Problem, RejectsBadSpeedupTables) {
    ProblemData d = with_speedups();
    d.speedups["lm"]["cpu"] = 0;
    EXPECT_EQ(key_of_error(d), "speedups.lm.cpu");
    d.speedups["lm"]["cpu"] = -kInfinity;
    EXPECT_EQ(key_of_error(d), "speedups.lm.cpu");
    d.speedups["lm"]["cpu"] = std::nan("");
    EXPECT_EQ(key_of_error(d), "speedups.lm.cpu");

    d = with_speedups();
    d.speedups["lm"].erase("cpu");
    d.speedups["lm"]["cpus"] = 1;
    EXPECT_EQ(key_of_error(d), "speedups.lm.cpus");
    EXPECT_NE(message_of_error(d).find("no resource has this kind (did you mean 'cpu'?)"),
              std::string::npos);

    d = with_speedups();
    d.speedups["lm"].clear();
    EXPECT_EQ(key_of_error(d), "speedups.lm");

    d = with_speedups();
    d.tasks[1].type = "resnt";
    EXPECT_EQ(key_of_error(d), "tasks[1].type");
    EXPECT_NE(message_of_error(d).find("did you mean 'resnet'?"), std::string::npos);

    d = two_by_two();
    d.tasks[1].type = "lm";  // a type with no table at all
    EXPECT_EQ(key_of_error(d), "tasks[1].type");

    d = with_speedups();
    d.time = Matrix::Constant(2, 2, 1.0);
    EXPECT_EQ(key_of_error(d), "speedups");
}

TEST(Problem, ASpeedupRowMustCoverEveryKindItsTaskMayUse) {
    ProblemData d = with_speedups();
    d.tasks[1].type = "resnet";  // prep may go anywhere, the resnet row has only gpu
    EXPECT_EQ(key_of_error(d), "speedups.resnet");
    EXPECT_NE(message_of_error(d).find("cpu | this row lacks kind 'cpu', where task 'prep' "
                                       "(tasks[1]) may be placed (resource 'c')"),
              std::string::npos)
        << message_of_error(d);
    d.tasks[1].allowed = {"g"};  // by id: the gpu kind, which the row has
    EXPECT_EQ(key_of_error(d), "(no error)");
    d.tasks[1].allowed = {"g", "c"};
    EXPECT_EQ(key_of_error(d), "speedups.resnet");
}

TEST(Problem, SpeedupFactorsCountInTheOverflowCheck) {
    ProblemData d = with_speedups();
    d.tasks[0].workload = 1e10;
    d.speedups["resnet"]["gpu"] = 1e-300;  // 1e10 / (2 x 1e-300) is past every limit
    EXPECT_EQ(key_of_error(d), "speedups.resnet.gpu");
    d.speedups["resnet"]["gpu"] = 1e-200;  // 5e209: large but safe
    EXPECT_EQ(key_of_error(d), "(no error)");
    // A small factor on one kind is not hidden by a large one on another.
    d = with_speedups();
    d.tasks[1].type = "lm";
    d.tasks[1].workload = 1e10;
    d.speedups["lm"] = {{"gpu", 1e300}, {"cpu", 1e-300}};
    EXPECT_EQ(key_of_error(d), "speedups.lm.cpu");
}

TEST(Scaling, LinearAmdahlAndTable) {
    Scaling s;
    EXPECT_DOUBLE_EQ(s.speedup(4), 4.0);
    s.type = Scaling::Type::amdahl;
    s.parallel_fraction = 0.5;
    EXPECT_DOUBLE_EQ(s.speedup(2), 1.0 / (0.5 + 0.25));
    s.type = Scaling::Type::table;
    s.table = {{1, 1.0}, {2, 1.8}, {4, 3.1}};
    EXPECT_DOUBLE_EQ(s.speedup(4), 3.1);
}

TEST(UnitChoice, RangeAndList) {
    const UnitChoice r = UnitChoice::range(2, 5);
    EXPECT_EQ(r.count(), 4);
    EXPECT_EQ(r.nth(3), 5);
    EXPECT_TRUE(r.allows(3));
    const UnitChoice l = UnitChoice::list({8, 1, 2, 2});
    EXPECT_EQ(l.count(), 3);
    EXPECT_EQ(l.nth(2), 8);
    EXPECT_FALSE(l.allows(4));
    EXPECT_EQ(l.min, 1);
}

}  // namespace
}  // namespace allocopt
