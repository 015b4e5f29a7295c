#include "allocopt/io/problem_writer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "allocopt/error.hpp"
#include "allocopt/io/benchmarks.hpp"
#include "allocopt/io/problem_yaml.hpp"

namespace allocopt {
namespace {

namespace fs = std::filesystem;

std::string instances(const std::string& name) {
    return std::string(ALLOCOPT_BENCH_INSTANCES) + "/" + name;
}

/// Every part of the model that a file can say, compared field by field.
void expect_same_problem(const Problem& a, const Problem& b) {
    EXPECT_EQ(a.name(), b.name());
    EXPECT_EQ(a.mode(), b.mode());
    EXPECT_EQ(a.policy(), b.policy());
    EXPECT_EQ(a.backfill(), b.backfill());
    EXPECT_EQ(a.objective().sense, b.objective().sense);
    EXPECT_EQ(a.objective().terms, b.objective().terms);
    EXPECT_EQ(a.horizon(), b.horizon());
    EXPECT_EQ(a.data().hard_deadlines, b.data().hard_deadlines);
    EXPECT_EQ(a.data().hard_horizon, b.data().hard_horizon);
    EXPECT_EQ(a.dimensions(), b.dimensions());
    ASSERT_EQ(a.num_resources(), b.num_resources());
    for (std::size_t j = 0; j < a.num_resources(); ++j) {
        const Resource& x = a.resource(j);
        const Resource& y = b.resource(j);
        SCOPED_TRACE(x.id);
        EXPECT_EQ(x.id, y.id);
        EXPECT_EQ(x.kind, y.kind);
        EXPECT_EQ(x.capacity, y.capacity);
        EXPECT_EQ(x.speed, y.speed);
        EXPECT_EQ(x.cost_per_hour, y.cost_per_hour);
        EXPECT_EQ(x.fixed_cost, y.fixed_cost);
        EXPECT_EQ(x.weight, y.weight);
    }
    ASSERT_EQ(a.num_tasks(), b.num_tasks());
    for (std::size_t i = 0; i < a.num_tasks(); ++i) {
        const Task& x = a.task(i);
        const Task& y = b.task(i);
        SCOPED_TRACE(x.id);
        EXPECT_EQ(x.id, y.id);
        EXPECT_EQ(x.kind, y.kind);
        EXPECT_EQ(x.workload, y.workload);
        EXPECT_EQ(x.frequency, y.frequency);
        EXPECT_EQ(x.priority, y.priority);
        EXPECT_EQ(x.arrival, y.arrival);
        EXPECT_EQ(x.deadline, y.deadline);
        EXPECT_EQ(x.demand, y.demand);
        EXPECT_EQ(x.units.min, y.units.min);
        EXPECT_EQ(x.units.max, y.units.max);
        EXPECT_EQ(x.units.values, y.units.values);
        EXPECT_EQ(x.scaling.type, y.scaling.type);
        EXPECT_EQ(x.scaling.parallel_fraction, y.scaling.parallel_fraction);
        EXPECT_EQ(x.scaling.table, y.scaling.table);
        EXPECT_EQ(x.allowed, y.allowed);
        EXPECT_EQ(x.optional, y.optional);
        EXPECT_EQ(x.type, y.type);
        for (std::size_t j = 0; j < a.num_resources(); ++j)
            EXPECT_EQ(a.time(i, j), b.time(i, j)) << a.resource(j).id;
    }
    EXPECT_EQ(a.data().speedups, b.data().speedups);
    EXPECT_EQ(a.has_time_matrix(), b.has_time_matrix());
    if (a.has_time_matrix()) {
        EXPECT_EQ(a.data().time, b.data().time);
    }
    EXPECT_EQ(a.has_cost_matrix(), b.has_cost_matrix());
    if (a.has_cost_matrix()) {
        EXPECT_EQ(a.data().cost, b.data().cost);
    }
    for (std::size_t k = 1; k < a.num_dimensions(); ++k) {
        SCOPED_TRACE(a.dimensions()[k]);
        EXPECT_EQ(a.has_demand_matrix(k), b.has_demand_matrix(k));
        if (a.has_demand_matrix(k)) {
            EXPECT_EQ(a.demand_matrix(k), b.demand_matrix(k));
        }
    }
}

/// Writes `problem`, reads the text back, checks it is the same problem and that writing it
/// again gives the same bytes.
void expect_round_trip(const Problem& problem) {
    const std::string text = problem_text(problem);
    const ProblemFile back = parse_problem(text, "written.yaml");
    expect_same_problem(problem, back.problem);
    EXPECT_FALSE(back.allocation.has_value());
    EXPECT_EQ(problem_text(back.problem), text);
}

TEST(ProblemWriter, EveryFormOfTheSchemaRoundTrips) {
    const Problem p = read_problem(std::string(ALLOCOPT_TEST_DATA) + "/good/all-forms.yaml");
    expect_round_trip(p);
}

TEST(ProblemWriter, SpeedupsAndTaskTypesRoundTrip) {
    const Problem p = read_problem(std::string(ALLOCOPT_TEST_DATA) + "/good/speedups.yaml");
    ASSERT_TRUE(p.has_speedups());
    expect_round_trip(p);
    const std::string text = problem_text(p);
    EXPECT_NE(text.find("speedups:\n  lm: {cpu: 0.01, p100: 0.25, v100: 1}\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("{id: train, type: resnet, workload: 10, allowed: [v100, p100]}"),
              std::string::npos)
        << text;
}

TEST(ProblemWriter, SeedExampleRoundTrips) {
    expect_round_trip(read_problem(std::string(ALLOCOPT_PROBLEMS) + "/seed-example.yaml"));
}

TEST(ProblemWriter, ImportedBenchmarksRoundTripWithTheirMatrices) {
    expect_round_trip(import_braun_etc(instances("braun-etc/u_s_lohi.0")));
    expect_round_trip(import_orlib_gap(instances("gap/gapd.txt"), {.instance = 6}));
    expect_round_trip(import_orlib_gap(instances("gap/yagiura_typeE/e10100")));
    expect_round_trip(
        import_cloudbalancing(instances("cloudbalancing/2computers-6processes.computers.csv")));
}

TEST(ProblemWriter, WritesDefaultsOnlyWhenTheyDiffer) {
    const Problem p = parse_problem(R"(name: tiny
resources:
  - {id: r, capacity: {units: 2}}
tasks:
  - {id: a}
  - {id: b, kind: data, workload: 0.1, units: {min: 1, max: 2}, scaling: {amdahl: 0.5}}
)")
                          .problem;
    const std::string text = problem_text(p);
    EXPECT_NE(text.find("- {id: a}\n"), std::string::npos) << text;
    EXPECT_NE(text.find("- {id: b, kind: data, workload: 0.1, units: {min: 1, max: 2}, "
                        "scaling: {amdahl: 0.5}}\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("- {id: r, kind: any, capacity: {units: 2}}\n"), std::string::npos) << text;
    EXPECT_NE(text.find("objective: {minimize: makespan}\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("horizon"), std::string::npos) << text;
    EXPECT_EQ(text.find("deadline"), std::string::npos) << text;
}

TEST(ProblemWriter, EveryPolicyRoundTrips) {
    for (const char* name : {"fcfs", "sjf", "ljf", "priority"}) {
        SCOPED_TRACE(name);
        const Problem p = parse_problem(std::string("name: tiny\npolicy: ") + name + R"(
resources:
  - {id: r, capacity: {units: 2}}
tasks:
  - {id: a}
)")
                              .problem;
        EXPECT_EQ(policy_name(p.policy()), name);
        expect_round_trip(p);
        EXPECT_NE(problem_text(p).find(std::string("policy: ") + name + "\n"), std::string::npos);
    }
}

TEST(ProblemWriter, BackfillRoundTripsAndIsLeftOutWhenOff) {
    const std::string body = R"(
resources:
  - {id: r, capacity: {units: 2}}
tasks:
  - {id: a}
)";
    const Problem on = parse_problem("name: tiny\nbackfill: true" + body).problem;
    EXPECT_TRUE(on.backfill());
    expect_round_trip(on);
    EXPECT_NE(problem_text(on).find("backfill: true\n"), std::string::npos) << problem_text(on);
    const Problem off = parse_problem("name: tiny\nbackfill: false" + body).problem;
    EXPECT_FALSE(off.backfill());
    EXPECT_EQ(problem_text(off).find("backfill"), std::string::npos) << problem_text(off);
}

TEST(ProblemWriter, QuotesIdsThatWouldReadAsSomethingElse) {
    ProblemData data;
    for (const char* id : {"null", "true", "~", "a: b", "x, y", "[z]", "#c", "-", "12", "1e3"}) {
        Resource& r = data.resources.emplace_back();
        r.id = id;
        r.kind = id;
        r.capacity = {{"units", 1}};
        Task& t = data.tasks.emplace_back();
        t.id = std::string("t ") + id;
        t.allowed = {id};
    }
    data.tasks.front().priority = -2.5;
    data.tasks.front().deadline = 1e-7;
    data.tasks.back().workload = 123456789.123;
    data.objective = {Sense::maximize, {{Metric::efficiency, 2.0}}};
    data.horizon = 1e20;
    data.hard_horizon = true;
    expect_round_trip(Problem(std::move(data)));
}

TEST(ProblemWriter, CommentLinesComeFirst) {
    const Problem p = read_problem(std::string(ALLOCOPT_PROBLEMS) + "/seed-example.yaml");
    const std::string text = problem_text(p, {"made by: a test\n\nsecond line"});
    EXPECT_EQ(text.rfind("# made by: a test\n#\n# second line\nname: seed-example\n", 0), 0u)
        << text;
    expect_same_problem(p, parse_problem(text).problem);
}

TEST(ProblemWriter, WriteIsAtomicAndReportsAMissingDirectory) {
    const Problem p = read_problem(std::string(ALLOCOPT_PROBLEMS) + "/seed-example.yaml");
    const fs::path dir =
        fs::temp_directory_path() / ("allocopt-writer-" + std::to_string(getpid()));
    fs::create_directories(dir);
    const std::string path = (dir / "p.yaml").string();
    write_problem(path, p);
    expect_same_problem(p, read_problem(path));
    try {
        write_problem((dir / "missing" / "p.yaml").string(), p);
        ADD_FAILURE() << "expected an InputError";
    } catch (const InputError& e) {
        EXPECT_EQ(e.key(), "output");
    }
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace allocopt
